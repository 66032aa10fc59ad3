import AXPSimCore
import AXPSimStore
import Foundation
import Logging
import Synchronization

/// Keeps a long-running emulator flat: on every pass, each account's state that ended more than
/// `retention` ago *on that account's clock* is pruned from the store (closed sessions with their
/// event logs, ended chats, spent tokens, expired OAuth grants, customers left with nothing), and
/// finished scenario runs beyond ``runsKept`` are forgotten (their rows and their copies in memory). Passes run from the scheduler thread
/// at most every ``interval`` seconds of real time, and on demand (`POST /__sim/prune`).
package final class RetentionService: Sendable {
    package let store: Store
    package let clocks: ClockService
    package let scenarios: ScenarioEngine
    /// How long ended state is kept, seconds of account time.
    package let retention: TimeInterval
    /// Most finished scenario runs kept (stored and in memory); the oldest go first.
    package static let runsKept = 200
    /// Real seconds between passes.
    package static let interval: TimeInterval = 30
    private let lastPass = Mutex<Date>(.distantPast)
    private let logger = Logger(label: "axpsim.retention")

    package init(store: Store, clocks: ClockService, scenarios: ScenarioEngine, retention: TimeInterval) {
        self.store = store
        self.clocks = clocks
        self.scenarios = scenarios
        self.retention = retention
    }

    /// Runs a pass when the last one is at least ``interval`` old (called by the scheduler loop).
    func passIfDue(wall: Date = Date()) {
        let due = lastPass.withLock { last -> Bool in
            guard wall.timeIntervalSince(last) >= Self.interval else { return false }
            last = wall
            return true
        }
        guard due else { return }
        do {
            let report = try pass()
            if !report.isEmpty { logger.debug("pruned", metadata: ["report": "\(report)"]) }
        } catch {
            logger.error("a retention pass failed", metadata: ["error": "\(error)"])
        }
    }

    /// Prunes every account now; returns what was removed.
    @discardableResult
    package func pass() throws -> PruneReport {
        var total = PruneReport()
        for account in try store.accounts() {
            let cutoff = try clocks.now(accountId: account.accountId).addingTimeInterval(-retention)
            total.add(try store.prune(accountId: account.accountId, before: cutoff))
        }
        // Before the checkpoint: one that cannot run now (busy readers) must not keep runs.
        try scenarios.forgetFinishedRuns(keeping: Self.runsKept)
        if !total.isEmpty { try store.reclaimSpace() }
        return total
    }
}
