import Foundation
import GRDB
import Synchronization

/// Group commit: concurrent writers queue their work, and one of them at a time (the leader)
/// runs a batch of queued jobs in one transaction, each in its own savepoint, then commits once.
///
/// - A job that throws is rolled back to its savepoint; the others of the batch still commit.
/// - Every job is answered only after the commit of its transaction: a job reported done is
///   durable, and a commit that fails fails every job of the batch.
/// - Jobs run in the order they were queued, so what one job wrote is seen by the jobs after it.
///
/// There is no writer thread of its own: the first caller that finds no leader leads (so a lone
/// write costs no thread hop); when its batch is answered it hands the lead to the oldest job
/// still queued. A job runs on the leader's thread while its caller waits.
final class GroupCommit: Sendable {
    /// One queued write. `run` is called once, on the leader's thread, inside the transaction.
    final class Job: @unchecked Sendable {
        // @unchecked: `run`, `failure` and `outcome` are written by the leader before it signals
        // `wake` and read by the caller after waiting on it; the semaphore orders the accesses.
        /// The work; let go by the leader once the job is answered, so the caller's non-escaping
        /// body does not outlive its call.
        var run: ((Database) throws -> Void)?
        let wake = DispatchSemaphore(value: 0)
        /// Why the job failed (its own error, or the batch's commit error), once it is finished.
        var failure: (any Error)?
        /// What the caller does when it wakes: its job was answered, or it leads the next batch.
        var outcome = Outcome.finished

        init(run: @escaping (Database) throws -> Void) {
            self.run = run
        }
    }

    /// What a waiting caller finds when it wakes.
    enum Outcome {
        case finished
        case lead
    }

    struct State {
        var queue: [Job] = []
        var leading = false
        /// Transactions run so far (for tests and health: writes per transaction).
        var transactions = 0
        /// Jobs run so far.
        var jobs = 0
    }

    let state = Mutex(State())
    /// Most jobs in one transaction.
    let maxBatch: Int

    init(maxBatch: Int = 128) {
        self.maxBatch = maxBatch
    }

    /// Queues `job` and returns once the transaction that ran it has committed (or failed).
    func perform(_ job: Job, on writer: any DatabaseWriter) throws {
        let leadsNow = state.withLock { state -> Bool in
            state.queue.append(job)
            if state.leading { return false }
            state.leading = true
            return true
        }
        if !leadsNow {
            job.wake.wait()
        }
        if leadsNow || job.outcome == .lead {
            lead(job, on: writer)
        }
        if let failure = job.failure { throw failure }
    }

    /// Runs one batch from the head of the queue, which is the leader's own job (a leader is the
    /// job that found the queue empty, or the head when the lead was handed on), answers the
    /// others of the batch, and hands the lead to the oldest job still queued.
    private func lead(_ own: Job, on writer: any DatabaseWriter) {
        let batch = state.withLock { state -> [Job] in
            let batch = Array(state.queue.prefix(maxBatch))
            state.queue.removeFirst(batch.count)
            state.transactions += 1
            state.jobs += batch.count
            return batch
        }
        do {
            try writer.write { db in
                for job in batch {
                    do {
                        try db.inSavepoint {
                            try job.run?(db)
                            return .commit
                        }
                    } catch {
                        job.failure = error
                    }
                    // SQLite may have rolled the whole transaction back (disk full, I/O error):
                    // nothing of the batch can be trusted then.
                    guard db.isInsideTransaction else { throw GroupCommitError.transactionAborted(job.failure) }
                }
            }
        } catch {
            for job in batch { job.failure = error }
        }
        for job in batch { job.run = nil }
        let next = state.withLock { state -> Job? in
            guard let next = state.queue.first else {
                state.leading = false
                return nil
            }
            next.outcome = .lead
            return next
        }
        for job in batch where job !== own { job.wake.signal() }
        next?.wake.signal()
    }
}

/// Why a queued write failed although its own work succeeded.
public enum GroupCommitError: Error, CustomStringConvertible {
    /// SQLite rolled back the shared transaction on an error (`underlying`) of one job.
    case transactionAborted((any Error)?)

    public var description: String {
        switch self {
        case .transactionAborted(let error): "the shared write transaction was rolled back: \(error.map { "\($0)" } ?? "unknown error")"
        }
    }
}
