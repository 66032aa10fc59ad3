import AXPSimCore
import Foundation
import GRDB
import Synchronization

/// The emulator's state in SQLite, through GRDB. A file database runs in WAL mode on a
/// `DatabasePool` (concurrent readers, one writer); `:memory:` uses a `DatabaseQueue`.
///
/// Every method is synchronous and thread-safe; a write has been committed when it returns.
public final class Store: Sendable {
    /// The GRDB writer behind the store.
    public let writer: any DatabaseWriter
    /// The path the store was opened at (`:memory:` for an in-memory store).
    public let path: String
    /// The rows SDK authentication reads, kept until an observed table changes.
    let sdkAuthenticationCache = SDKAuthenticationCache.sdkAuthentication()
    /// The rows back-end authentication reads, kept until an observed table changes.
    let backendAuthenticationCache = BackendAuthenticationCache.backendAuthentication()
    /// Integrations by account and id, kept until an observed table changes.
    let integrationCache = IntegrationCache.integrations()
    /// Moves with every commit that changes what a session view shows (the session, its
    /// customer's engagements with their participants, the conversation): for callers that keep
    /// such views in memory.
    public let sessionViewGeneration = ChangeGeneration(tables: ["chat_session", "engagement", "participant", "conversation"])
    /// Snapshots of an in-memory store.
    let memorySnapshots = Mutex<[String: DatabaseQueue]>([:])
    /// The queue of chat writes committed together (``chatGroupWrite(_:)``).
    let groupCommit = GroupCommit()
    /// Checkpoints the WAL off the writer's thread (file databases only).
    let checkpointer: WALCheckpointer?

    /// Opens (creating if needed) the database at `path` and runs pending migrations.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL + NORMAL: a commit survives a killed process (kill -9); only a power loss can
            // lose the last transactions.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // The WAL is checkpointed in the background (WALCheckpointer); this is its safety net.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.safetyNetPages)")
        }
        self.path = path
        if path == ":memory:" {
            writer = try DatabaseQueue(configuration: configuration)
            checkpointer = nil
        } else {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            writer = try DatabasePool(path: path, configuration: configuration)
            checkpointer = try WALCheckpointer(path: path)
        }
        try Self.migrator.migrate(writer)
        for generation in [sdkAuthenticationCache.generation, backendAuthenticationCache.generation, integrationCache.generation, sessionViewGeneration] {
            writer.add(transactionObserver: generation, extent: .observerLifetime)
        }
    }

    /// Drops what is kept from earlier reads (after a snapshot restore: SQLite's backup replaces
    /// every page and no transaction observer sees it).
    func invalidateRowCaches() {
        sdkAuthenticationCache.invalidate()
        backendAuthenticationCache.invalidate()
        integrationCache.invalidate()
        sessionViewGeneration.advance()
    }

    /// Reads inside a transaction-consistent snapshot.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.read(body)
    }

    /// Writes inside one transaction.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        defer { checkpointer?.noteWrite() }
        return try writer.write(body)
    }

    /// Checkpoints the WAL into the main file (on graceful stop).
    public func checkpoint() throws {
        guard let pool = writer as? DatabasePool else { return }
        checkpointer?.drain()
        _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    /// True when a trivial query succeeds (for health: a failure is the answer "down", not hidden).
    public var isHealthy: Bool {
        (try? writer.read { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT 1")) }) == 1
    }
}
