import GRDB
import Synchronization

/// Rows read from the store, kept in memory: a call that needs them again does not open a read
/// transaction. Used for the rows authentication reads on every call (``SDKAuthenticationCache``,
/// ``BackendAuthenticationCache``).
///
/// What it keeps must be a function of ``tables`` only, tables that change through the control
/// plane, minting, revocation, resets and retention — not on the reads it serves. It is a GRDB
/// transaction observer of those tables: a committed change to any of them (foreign-key cascades
/// included) empties it before the write returns, so the next call reads the new rows. A snapshot
/// restore (SQLite's backup, which no observer sees) empties it explicitly (``invalidate()``).
///
/// A fill can race a commit: a reader that took its snapshot before the commit would put old
/// rows back after the commit emptied the cache. Every commit bumps a generation, and a fill is
/// kept only when the generation is still the one read before the read transaction began.
final class CommittedRowsCache<Key: Hashable & Sendable, Rows: Sendable>: TransactionObserver, Sendable {
    private struct State {
        var rows: [Key: Rows] = [:]
        var generation: UInt64 = 0
        /// An observed table changed in the writer's open transaction.
        var changedInTransaction = false
    }

    /// The tables whose rows the cache copies.
    let tables: Set<String>
    /// At most this many entries are kept; the cache starts over when it is full.
    let limit: Int

    private let state = Mutex(State())

    /// An empty cache of rows from `tables`, holding at most `limit` entries.
    init(tables: Set<String>, limit: Int = 8192) {
        self.tables = tables
        self.limit = limit
    }

    /// The cached rows for `key` and the generation to fill with on a miss.
    func lookup(_ key: Key) -> (rows: Rows?, generation: UInt64) {
        state.withLock { ($0.rows[key], $0.generation) }
    }

    /// Keeps `rows`, read in a transaction that began at `generation`, unless a commit of the
    /// observed tables happened since.
    func fill(_ key: Key, _ rows: Rows, generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.rows.count >= limit { state.rows.removeAll(keepingCapacity: true) }
            state.rows[key] = rows
        }
    }

    /// The rows for `key`: from memory, or from `read` (a read transaction), kept for next time.
    func rows(_ key: Key, read: () throws -> Rows) rethrows -> Rows {
        let (cached, generation) = lookup(key)
        if let cached { return cached }
        let rows = try read()
        fill(key, rows, generation: generation)
        return rows
    }

    /// Empties the cache (and makes fills already under way be dropped).
    func invalidate() {
        state.withLock { state in
            state.rows.removeAll()
            state.generation &+= 1
        }
    }

    // MARK: TransactionObserver (called on the writer's queue)

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        tables.contains(eventKind.tableName)
    }

    func databaseDidChange() {
        state.withLock { $0.changedInTransaction = true }
    }

    func databaseDidChange(with event: DatabaseEvent) {
        state.withLock { $0.changedInTransaction = true }
    }

    func databaseWillCommit() throws {}

    func databaseDidCommit(_ db: Database) {
        let changed = state.withLock { state in
            defer { state.changedInTransaction = false }
            return state.changedInTransaction
        }
        if changed { invalidate() }
    }

    func databaseDidRollback(_ db: Database) {
        state.withLock { $0.changedInTransaction = false }
    }
}
