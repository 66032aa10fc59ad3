import AXPSimAuth
import AXPSimCore
import AXPSimScenario
import AXPSimStore
import Foundation
import Logging
import Synchronization

/// Draining: one account's runs are advanced by one thread at a time, step by step, until each waits.
extension ScenarioEngine {
    // MARK: Draining

    /// Marks a run as having work, then drains its account's runs on this thread unless another
    /// thread already is.
    package func kick(_ id: String) {
        guard let run = run(id) else { return }
        let accountId = run.accountId
        queue.withLock { q in
            if !(q.pending[accountId]?.contains(id) ?? false) { q.pending[accountId, default: []].append(id) }
        }
        drain(accountId)
    }

    func drain(_ accountId: String) {
        let mine = queue.withLock { q -> Bool in
            q.draining.insert(accountId).inserted
        }
        guard mine else { return }
        while let id = queue.withLock({ q -> String? in
            guard var list = q.pending[accountId], !list.isEmpty else {
                q.pending[accountId] = nil
                q.draining.remove(accountId)
                return nil
            }
            let next = list.removeFirst()
            q.pending[accountId] = list
            return next
        }) {
            if let run = run(id) { advance(run) }
        }
        drained.lock()
        drained.broadcast()
        drained.unlock()
    }

    /// Waits until no thread is draining the account's runs (for a clock advance to return
    /// settled). Blocks on a condition, never spins; `timeout` bounds a runaway drain.
    package func waitUntilIdle(accountId: String, timeout: TimeInterval = 10) {
        let deadline = Date().addingTimeInterval(timeout)
        drained.lock()
        defer { drained.unlock() }
        while !queue.withLock({ $0.isIdle(accountId) }) {
            if !drained.wait(until: deadline) { return }
        }
    }

    /// Runs transitions until the run waits or ends.
    func advance(_ run: ScenarioRun) {
        for _ in 0..<Self.stepBudget {
            guard !run.isFinished, advanceOnce(run) else { return }
        }
        fail(run, line: 0, kind: "run", "more than \(Self.stepBudget) steps without waiting")
    }

    /// One transition: a waited-for message is consumed, or the next step runs. Returns whether
    /// to go on. A step that throws fails the run at its line, in a transition of its own (the
    /// step's writes were rolled back with the first).
    func advanceOnce(_ run: ScenarioRun) -> Bool {
        let at = instant(run)
        do {
            return try transition(run) { tx, outcome, state in
                guard state.status == .running else { return false }
                switch state.wait {
                case .timer?:
                    return false
                case .message(let matcher, let deadline, _, let line)?:
                    return try awaitMessage(tx, run, &state, matcher, deadline: deadline, line: line, at: at)
                case nil:
                    switch run.role {
                    case .agent: return try stepAgent(tx, outcome, run, &state, at: at)
                    case .customer: return try stepCustomer(tx, outcome, run, &state, at: at)
                    }
                }
            }
        } catch let failure as StepFailure {
            fail(run, line: failure.line, kind: failure.kind, failure.detail)
        } catch is Superseded {
            // The copy read back (if the run is still stored) goes on from the stored position.
            kick(run.id)
        } catch {
            logger.error("a scenario run's transition failed", metadata: ["run": "\(run.id)", "error": "\(error)"])
        }
        return false
    }

    /// An expectation's wait: the first unconsumed message of the other side that matches ends
    /// it; with none, a chat that ended ends the run. Returns whether to go on.
    func awaitMessage(
        _ tx: ChatTransaction, _ run: ScenarioRun, _ state: inout ScenarioRun.State, _ matcher: TextMatcher, deadline: Int64?, line: Int, at: Date
    ) throws -> Bool {
        let found: String?
        do {
            found = try consumeMatch(tx, run.role, &state, matcher)
        } catch {
            throw StepFailure(line: line, kind: "expect", detail: "cannot read the chat's messages: \(error)")
        }
        guard let text = found else {
            if try chatEnded(tx, state) {
                if run.role == .agent {
                    record(&state, line: line, kind: "expect", status: "chatEnded", detail: "the chat ended while waiting", at: at)
                    try finish(tx, &state, .passed, failure: nil, at: at)
                } else {
                    try fail(tx, &state, line: line, kind: "expect.agent", "the chat ended before a message matching \(matcher.text)", at: at)
                }
            }
            return false
        }
        if let deadline { _ = try tx.takeTimer(deadline) }
        record(&state, line: line, kind: "expect", status: "matched", detail: text, at: at)
        state.wait = nil
        return true
    }
}
