import AXPSimAuth
import AXPSimCore
import AXPSimScenario
import AXPSimStore
import Foundation
import Logging
import Synchronization

/// What the steps of either side share: the clock, waits, expectations, errors.
extension ScenarioEngine {
    // MARK: Shared step helpers

    /// The run's account clock.
    package func now(_ run: ScenarioRun) throws -> Date {
        try env.clocks.now(accountId: run.accountId)
    }

    /// The account clock for a transition (read before its transaction). When the clock cannot be
    /// read (a store failure), the failure is logged and the run's last recorded instant is used:
    /// progress is never stamped with the wall clock of another time line.
    func instant(_ run: ScenarioRun) -> Date {
        do {
            return try now(run)
        } catch {
            logger.error("cannot read the account clock", metadata: ["run": "\(run.id)", "error": "\(error)"])
            return run.state.withLock { $0.progress.last?.at ?? $0.startedAt }
        }
    }

    /// Schedules the run's wake-up `seconds` after `at` on its account clock, in the transition.
    package func sleep(_ tx: ChatTransaction, _ outcome: Outcome, _ run: ScenarioRun, seconds: Double, at: Date) throws -> Int64 {
        let timer = try tx.insertTimer(ScheduledTimer(accountId: run.accountId, dueAt: at.addingTimeInterval(seconds), kind: .scenarioStep, target: run.id))
        outcome.emission.timersChanged = true
        return timer.timerId
    }

    /// Waits `seconds` on the account clock (an `after` step).
    package func pause(
        _ tx: ChatTransaction, _ outcome: Outcome, _ run: ScenarioRun, _ state: inout ScenarioRun.State, seconds: Double, line: Int, kind: String,
        at: Date
    ) throws {
        state.wait = .timer(try sleep(tx, outcome, run, seconds: seconds, at: at))
        record(&state, line: line, kind: kind, status: "waiting", detail: "\(seconds)s", at: at)
    }

    /// Waits for a message of the other side matching `matcher`, until `within` seconds pass
    /// (then the steps at the `onTimeout` path run, when given).
    package func expect(
        _ tx: ChatTransaction, _ outcome: Outcome, _ run: ScenarioRun, _ state: inout ScenarioRun.State, _ matcher: TextMatcher, within: Double?,
        onTimeout: [Int]?, line: Int, at: Date
    ) throws {
        let deadline = try within.map { try sleep(tx, outcome, run, seconds: $0, at: at) }
        state.wait = .message(matcher, deadline: deadline, onTimeout: onTimeout, line: line)
    }

    /// Runs one step's body; an error becomes the step's ``StepFailure`` (failing the run at its line).
    package func attempt<T>(line: Int, kind: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as AXPSimError {
            throw StepFailure(line: line, kind: kind, detail: error.detail)
        } catch let failure as StepFailure {
            throw failure
        } catch {
            throw StepFailure(line: line, kind: kind, detail: "\(error)")
        }
    }

    /// The first unconsumed message of the other side that matches (consuming those before it).
    func consumeMatch(_ tx: ChatTransaction, _ role: ScenarioRun.Role, _ state: inout ScenarioRun.State, _ matcher: TextMatcher) throws -> String? {
        guard let engagementId = state.engagementId else { return nil }
        let messages = try tx.messages(engagementId, pageSize: 10_000, pageNumber: 1, ascending: true)
        let wanted: (ParticipantType) -> Bool = role == .agent ? { $0 == .customer } : { $0 != .customer }
        for message in messages where message.messageIndex > state.cursor && wanted(message.participantType) {
            state.cursor = message.messageIndex
            if let text = message.text, matcher.matches(text) { return text }
        }
        return nil
    }

    /// True once the run's chat has ended.
    package func chatEnded(_ tx: ChatTransaction, _ state: ScenarioRun.State) throws -> Bool {
        guard let engagementId = state.engagementId else { return false }
        return try tx.engagement(engagementId)?.isEnded ?? false
    }
}
