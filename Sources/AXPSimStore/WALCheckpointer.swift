import Foundation
import GRDB
import Logging
import Synchronization

/// Copies the write-ahead log into the database file on a connection of its own, so the writer
/// does not: SQLite's automatic checkpoint runs inside the commit that crosses its
/// threshold, on the writer's thread, and was 8.5 % of a message POST's samples (all of it time
/// during which no other chat could commit).
///
/// Every ``interval`` noted write transactions (chat writes of a group commit counted one by
/// one), one PASSIVE checkpoint runs on a background queue: it copies
/// what no reader still needs and never blocks the writer, which goes on appending to the log
/// meanwhile (SQLite restarts the log from its beginning once a checkpoint has copied all of it).
/// Durability does not change: a transaction is durable once its commit is in the log. SQLite's
/// own automatic checkpoint stays on as a safety net at ``safetyNetPages`` (writes the checkpointer
/// does not hear of, a checkpointer that falls behind). A checkpoint that fails is logged; the
/// next one, or the safety net, copies what it left.
final class WALCheckpointer: Sendable {
    /// Writes between two background checkpoints.
    let interval: Int
    /// `PRAGMA wal_autocheckpoint` of the store's connections: pages in the log before the
    /// committing connection checkpoints itself (SQLite's default is 1,000).
    static let safetyNetPages = 10_000

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "axpsim.store.checkpoint", qos: .utility)
    private let state = Mutex(State())
    private let logger = Logger(label: "axpsim.store")

    private struct State {
        var commits = 0
        var scheduled = false
        /// Checkpoints run so far, and what the last one found (for tests).
        var runs = 0
        var last: (walFrames: Int, copiedFrames: Int)?
    }

    /// A checkpointer of the database at `path` (a WAL-mode file the store has opened).
    init(path: String, interval: Int = 256) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "axpsim.store.checkpoint"
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.interval = interval
    }

    /// Notes one write (committed or not: a count, not a ledger); every ``interval`` of them a
    /// checkpoint is queued unless one is already.
    func noteWrite() {
        let start = state.withLock { state -> Bool in
            state.commits += 1
            guard state.commits >= interval, !state.scheduled else { return false }
            state.commits = 0
            state.scheduled = true
            return true
        }
        guard start else { return }
        queue.async { [self] in
            checkpointNow()
            state.withLock { $0.scheduled = false }
        }
    }

    /// Runs a PASSIVE checkpoint now, on the caller's thread.
    func checkpointNow() {
        var result: (walFrames: Int, copiedFrames: Int)?
        do {
            result = try connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        } catch {
            logger.warning("background WAL checkpoint failed; the next one (or SQLite's own) copies what it left", metadata: ["error": "\(error)"])
        }
        state.withLock {
            $0.runs += 1
            $0.last = result
        }
    }

    /// Background checkpoints run so far.
    var runs: Int { state.withLock { $0.runs } }

    /// Writes noted since the last checkpoint was queued.
    var pendingWrites: Int { state.withLock { $0.commits } }

    /// Frames in the log and frames copied by the last checkpoint (nil before one, or after one
    /// that failed).
    var lastResult: (walFrames: Int, copiedFrames: Int)? { state.withLock { $0.last } }

    /// Waits for a queued checkpoint to finish (tests, graceful stop).
    func drain() {
        queue.sync {}
    }
}
