import Synchronization

/// Rows read from the store, kept in memory: a call that needs them again does not open a read
/// transaction. Used for the rows authentication reads on every call (``SDKAuthenticationCache``,
/// ``BackendAuthenticationCache``), for integrations (``IntegrationCache``) and, in the chat, for
/// session views (on ``Store/sessionViewGeneration``).
///
/// What it keeps must be a function of ``tables`` only, tables that change through the control
/// plane, minting, revocation, resets and retention — not on the reads it serves. Each entry is
/// tagged with the tables' ``ChangeGeneration`` read before the read that made it, and is used
/// only while that number has not moved: a committed change to any of the tables (foreign-key
/// cascades included) moves it before the write returns, so the next call reads the new rows. The
/// store registers ``generation`` as a transaction observer; a snapshot restore (SQLite's backup,
/// which no observer sees) calls ``invalidate()``.
///
/// A fill can race a commit: a reader that took its snapshot before the commit would put old
/// rows back after the commit. The tag is the generation read before the read transaction
/// began, so such rows are never used.
package final class CommittedRowsCache<Key: Hashable & Sendable, Rows: Sendable>: Sendable {
    /// Moves with every commit that changes one of the tables (the store observes with it).
    package let generation: ChangeGeneration
    /// At most this many entries are kept; the cache starts over when it is full.
    package let limit: Int

    private let entries = Mutex<[Key: (generation: UInt64, rows: Rows)]>([:])

    /// An empty cache of rows from `tables`, holding at most `limit` entries.
    convenience init(tables: Set<String>, limit: Int = 8192) {
        self.init(generation: ChangeGeneration(tables: tables), limit: limit)
    }

    /// An empty cache on a generation the store already observes with.
    package init(generation: ChangeGeneration, limit: Int = 8192) {
        self.generation = generation
        self.limit = limit
    }

    /// The tables whose rows the cache copies.
    var tables: Set<String> { generation.tables }

    /// The cached rows for `key` and the generation to fill with on a miss.
    package func lookup(_ key: Key) -> (rows: Rows?, generation: UInt64) {
        let current = generation.current
        let kept = entries.withLock { $0[key] }
        guard let kept, kept.generation == current else { return (nil, current) }
        return (kept.rows, current)
    }

    /// Keeps `rows`, read in a transaction that began at `generation`, unless a commit of the
    /// observed tables happened since.
    package func fill(_ key: Key, _ rows: Rows, generation read: UInt64) {
        guard read == generation.current else { return }
        entries.withLock { entries in
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[key] = (read, rows)
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

    /// Drops every entry (and makes fills already under way be dropped).
    func invalidate() {
        generation.advance()
        entries.withLock { $0.removeAll() }
    }
}
