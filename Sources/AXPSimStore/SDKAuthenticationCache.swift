import GRDB
import Synchronization

/// The rows ``Store/sdkAuthenticationRows(accountId:jti:appKey:integrationId:)`` read, kept in
/// memory: an SDK call then authenticates without opening a read transaction.
///
/// What it keeps is a function of four tables only (`account`, `app_key`, `integration`,
/// `issued_token`), which change through the control plane, minting, revocation, resets and
/// retention — never on an SDK read. It is a GRDB transaction observer of those tables: a
/// committed change to any of them (foreign-key cascades included) empties it before the write
/// returns, so the next call reads the new rows. A snapshot restore (SQLite's backup, which no
/// observer sees) empties it explicitly (``invalidate()``).
///
/// A fill can race a commit: a reader that took its snapshot before the commit would put old
/// rows back after the commit emptied the cache. Every commit bumps a generation, and a fill is
/// kept only when the generation is still the one read before the read transaction began.
final class SDKAuthenticationCache: TransactionObserver, Sendable {
    /// The arguments of one authentication read.
    struct Key: Hashable {
        let accountId: String
        let jti: String
        let appKey: String?
        let integrationId: String
    }

    private struct State {
        var rows: [Key: SDKAuthenticationRows] = [:]
        var generation: UInt64 = 0
        /// An observed table changed in the writer's open transaction.
        var changedInTransaction = false
    }

    /// The tables whose rows the cache copies.
    static let tables: Set<String> = ["account", "app_key", "integration", "issued_token"]
    /// At most this many entries are kept; the cache starts over when it is full.
    static let limit = 8192

    private let state = Mutex(State())

    /// The cached rows for `key` and the generation to fill with on a miss.
    func lookup(_ key: Key) -> (rows: SDKAuthenticationRows?, generation: UInt64) {
        state.withLock { ($0.rows[key], $0.generation) }
    }

    /// Keeps `rows`, read in a transaction that began at `generation`, unless a commit of the
    /// observed tables happened since.
    func fill(_ key: Key, _ rows: SDKAuthenticationRows, generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.rows.count >= Self.limit { state.rows.removeAll(keepingCapacity: true) }
            state.rows[key] = rows
        }
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
        Self.tables.contains(eventKind.tableName)
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
