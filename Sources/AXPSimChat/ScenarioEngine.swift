import AXPSimAuth
import AXPSimCore
import AXPSimScenario
import AXPSimStore
import Foundation
import Logging
import Synchronization

/// Runs scenarios on the account clocks. A run executes steps until one has to wait (an `after`
/// timer, or an expected message); its timers (through the scheduler) and the chat's activity
/// wake it again. Work is drained on the calling thread, one step at a time, so a run never overlaps
/// itself and a virtual-clock advance returns only once everything it caused has run.
package final class ScenarioEngine: ChatActivityObserver {
    /// The services the engine drives.
    package struct Environment: Sendable {
        package let chat: ChatService
        package let store: Store
        package let clocks: ClockService
        package let keys: KeyRing
        package let faults: FaultInjector
        /// Mints the chat JWTs of headless customers (as the Generate JWT Token API does).
        package let tokens: TokenService
        /// The `iss` of those tokens: the emulator's base URL once bound.
        package let issuer: SharedText

        package init(
            chat: ChatService, store: Store, clocks: ClockService, keys: KeyRing, faults: FaultInjector, tokens: TokenService, issuer: SharedText
        ) {
            self.chat = chat
            self.store = store
            self.clocks = clocks
            self.keys = keys
            self.faults = faults
            self.tokens = tokens
            self.issuer = issuer
        }
    }

    /// Runs with work, per account, and the accounts being drained. One account's runs are
    /// drained by one thread at a time, and never by a request of another account.
    package struct Queue: Sendable {
        package var pending: [String: [String]] = [:]
        var draining: Set<String> = []

        func isIdle(_ accountId: String) -> Bool {
            !draining.contains(accountId) && (pending[accountId]?.isEmpty ?? true)
        }
    }

    package let env: Environment
    package let library: ScenarioLibrary
    package let runs = Mutex<[String: ScenarioRun]>([:])
    package let queue = Mutex(Queue())
    /// Signalled whenever an account's drain ends (``waitUntilIdle(accountId:)`` waits on it).
    private let drained = NSCondition()
    /// Sessions whose next engagement belongs to a headless run (no integration scenario attached).
    let headlessSessions = Mutex<Set<String>>([])
    package let logger = Logger(label: "axpsim.scenario")
    /// Most steps one drain runs for one run before yielding (a guard against a runaway loop).
    static let stepBudget = 10_000

    /// Follows the chat from here on (through the chat's observers).
    package init(env: Environment, library: ScenarioLibrary) {
        self.env = env
        self.library = library
        env.chat.observers.add(self)
    }

    /// Wakes the runs the chat's activity concerns.
    package func chatActivity(_ activity: ChatActivity) {
        switch activity {
        case .engagementCreated(let engagement):
            engagementCreated(engagement)
        case .customerMessage(let engagementId):
            messageArrived(engagementId, waitingRole: .agent)
        case .agentMessage(let engagementId):
            messageArrived(engagementId, waitingRole: .customer)
        case .engagementEnded(let engagementId):
            messageArrived(engagementId, waitingRole: .agent)
            messageArrived(engagementId, waitingRole: .customer)
        }
    }

    /// A scenario timer fell due: the run waiting on it goes on. False when another thread took
    /// (or a finish dropped) the timer first.
    @discardableResult
    package func fire(_ timer: ScheduledTimer) throws -> Bool {
        guard try env.store.chatWrite({ try $0.takeTimer(timer.timerId) }) else { return false }
        timerFired(runId: timer.target, timerId: timer.timerId)
        return true
    }

    package func run(_ id: String) -> ScenarioRun? {
        runs.withLock { $0[id] }
    }

    /// Forgets finished runs beyond the `keeping` most recently finished (running ones stay).
    func forgetFinishedRuns(keeping: Int) {
        runs.withLock { runs in
            let finished = runs.values.compactMap { run -> (String, Date)? in
                run.state.withLock { s in s.finishedAt.map { (run.id, $0) } }
            }
            guard finished.count > keeping else { return }
            for (id, _) in finished.sorted(by: { $0.1 < $1.1 }).dropLast(keeping) { runs[id] = nil }
        }
    }

    package var allRuns: [ScenarioRun] {
        runs.withLock { Array($0.values) }
    }

    // MARK: Starting

    /// Runs the contact-center side of `scenario` on an existing engagement.
    @discardableResult
    package func startAgent(_ scenario: Scenario, engagementId: String) throws -> ScenarioRun {
        let engagement = try env.store.chatRead { tx in try env.chat.requireEngagement(tx, engagementId) }
        guard !engagement.isEnded else { throw AXPSimError.engagementEnded(engagementId) }
        guard let integration = try env.store.integration(accountId: engagement.accountId, integrationId: engagement.integrationId) else {
            throw AXPSimError.notFound(resource: "integration", id: engagement.integrationId)
        }
        let run = ScenarioRun(
            id: Identifiers.newUUID(), role: .agent, scenario: scenario, accountId: engagement.accountId, integration: integration,
            engagementId: engagementId, customerId: engagement.customerId, startedAt: try env.clocks.now(accountId: engagement.accountId))
        register(run)
        return run
    }

    /// Runs `scenario` headless on `integration`: its customer side starts the chat (the agent
    /// side then runs on it).
    @discardableResult
    package func startHeadless(_ scenario: Scenario, integration: Integration) throws -> ScenarioRun {
        guard scenario.customer?.isEmpty == false else {
            throw AXPSimError.conflict(code: "scenario_not_headless", detail: "Scenario \(scenario.name) has no customer: side to run it headless")
        }
        let id = Identifiers.newUUID()
        let run = ScenarioRun(
            id: id, role: .customer, scenario: scenario, accountId: integration.accountId, integration: integration, engagementId: nil,
            customerId: "scenario-\(id.prefix(8))", startedAt: try env.clocks.now(accountId: integration.accountId))
        register(run)
        return run
    }

    private func register(_ run: ScenarioRun) {
        runs.withLock { $0[run.id] = run }
        kick(run.id)
    }

    /// A new chat of an integration with a scenario attached gets an agent run.
    private func engagementCreated(_ engagement: Engagement) {
        if headlessSessions.withLock({ $0.contains(engagement.createdBySession) }) { return }
        let found: Integration?
        do {
            found = try env.store.integration(accountId: engagement.accountId, integrationId: engagement.integrationId)
        } catch {
            logger.error("cannot read the integration of a new chat", metadata: ["engagement": "\(engagement.engagementId)", "error": "\(error)"])
            return
        }
        guard let integration = found, let name = integration.scenario else { return }
        guard let scenario = library.scenario(named: name) else {
            logger.warning("integration scenario not loaded", metadata: ["scenario": "\(name)", "integration": "\(integration.name)"])
            return
        }
        do {
            try startAgent(scenario, engagementId: engagement.engagementId)
        } catch {
            logger.error("cannot start the integration's scenario", metadata: ["scenario": "\(name)", "error": "\(error)"])
        }
    }

    /// Stops a run (its pending timers are dropped).
    package func cancel(_ id: String) -> Bool {
        guard let run = run(id), !run.isFinished else { return false }
        finish(run, .cancelled, failure: nil)
        return true
    }

    // MARK: Waking

    private func timerFired(runId: String, timerId: Int64) {
        guard let run = run(runId) else { return }
        var failure: (Int, String)?
        run.state.withLock { s in
            switch s.wait {
            case .timer(let id)? where id == timerId:
                s.wait = nil
            case .message(let matcher, let deadline, let onTimeout, let line)? where deadline == timerId:
                s.wait = nil
                let now = instant(run)
                if let onTimeout {
                    s.progress.append(.init(line: line, kind: "expect", status: "timedOut", at: now, detail: "no match for \(matcher.text); running onTimeout"))
                    s.frames.append((onTimeout, 0))
                } else {
                    failure = (line, "expected a message matching \(matcher.text) in time; none came")
                }
            default:
                break
            }
        }
        if let (line, text) = failure {
            fail(run, line: line, kind: "expect", text)
        } else {
            kick(runId)
        }
    }

    private func messageArrived(_ engagementId: String, waitingRole: ScenarioRun.Role) {
        let waiting = allRuns.filter { run in
            run.role == waitingRole && !run.isFinished && run.state.withLock { $0.engagementId == engagementId }
        }
        for run in waiting { kick(run.id) }
    }

    // MARK: Draining

    /// Marks a run as having work, then drains its account's runs on this thread unless another
    /// thread already is.
    func kick(_ id: String) {
        guard let run = run(id) else { return }
        let accountId = run.accountId
        queue.withLock { q in
            if !(q.pending[accountId]?.contains(id) ?? false) { q.pending[accountId, default: []].append(id) }
        }
        drain(accountId)
    }

    private func drain(_ accountId: String) {
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
    func waitUntilIdle(accountId: String, timeout: TimeInterval = 10) {
        let deadline = Date().addingTimeInterval(timeout)
        drained.lock()
        defer { drained.unlock() }
        while !queue.withLock({ $0.isIdle(accountId) }) {
            if !drained.wait(until: deadline) { return }
        }
    }

    /// Runs steps until the run waits or ends.
    private func advance(_ run: ScenarioRun) {
        for _ in 0..<Self.stepBudget {
            guard !run.isFinished else { return }
            switch run.state.withLock({ $0.wait }) {
            case .timer?:
                return
            case .message(let matcher, let deadline, _, let line)?:
                let found: String?
                do {
                    found = try consumeMatch(run, matcher)
                } catch {
                    fail(run, line: line, kind: "expect", "cannot read the chat's messages: \(error)")
                    return
                }
                guard let text = found else {
                    if chatEnded(run) {
                        if let deadline { dropTimer(deadline) }
                        if run.role == .agent {
                            record(run, line: line, kind: "expect", status: "chatEnded", detail: "the chat ended while waiting")
                            finish(run, .passed, failure: nil)
                        } else {
                            fail(run, line: line, kind: "expect.agent", "the chat ended before a message matching \(matcher.text)")
                        }
                    }
                    return
                }
                if let deadline { dropTimer(deadline) }
                record(run, line: line, kind: "expect", status: "matched", detail: text)
                run.state.withLock { $0.wait = nil }
            case nil:
                break
            }
            let more: Bool
            switch run.role {
            case .agent: more = stepAgent(run)
            case .customer: more = stepCustomer(run)
            }
            if !more { return }
        }
        fail(run, line: 0, kind: "run", "more than \(Self.stepBudget) steps without waiting")
    }

    // MARK: Shared step helpers

    /// The run's account clock.
    package func now(_ run: ScenarioRun) throws -> Date {
        try env.clocks.now(accountId: run.accountId)
    }

    /// The account clock for progress entries. When the clock cannot be read (a store failure),
    /// the failure is logged and the run's last recorded instant is used: progress is never
    /// stamped with the wall clock of another time line.
    private func instant(_ run: ScenarioRun) -> Date {
        do {
            return try now(run)
        } catch {
            logger.error("cannot read the account clock", metadata: ["run": "\(run.id)", "error": "\(error)"])
            return run.state.withLock { $0.progress.last?.at ?? $0.startedAt }
        }
    }

    /// Deletes a timer the run no longer waits for; a store failure is logged (the timer then
    /// fires into a run that ignores it).
    private func dropTimer(_ timerId: Int64) {
        do {
            _ = try env.store.chatWrite { try $0.takeTimer(timerId) }
        } catch {
            logger.error("cannot delete a scenario timer", metadata: ["timer": "\(timerId)", "error": "\(error)"])
        }
    }

    package func record(_ run: ScenarioRun, line: Int, kind: String, status: String = "done", detail: String? = nil) {
        let at = instant(run)
        run.state.withLock { $0.progress.append(.init(line: line, kind: kind, status: status, at: at, detail: detail)) }
    }

    /// Schedules the run's wake-up `seconds` from now on its account clock.
    func sleep(_ run: ScenarioRun, seconds: Double) throws -> Int64 {
        let due = try now(run).addingTimeInterval(seconds)
        let timer = try env.store.chatWrite { tx in
            try tx.insertTimer(ScheduledTimer(accountId: run.accountId, dueAt: due, kind: .scenarioStep, target: run.id))
        }
        env.chat.timerSignal.signal()
        return timer.timerId
    }

    /// Waits `seconds` on the account clock (an `after` step).
    func pause(_ run: ScenarioRun, seconds: Double, line: Int, kind: String) throws {
        let timer = try sleep(run, seconds: seconds)
        run.state.withLock { $0.wait = .timer(timer) }
        record(run, line: line, kind: kind, status: "waiting", detail: "\(seconds)s")
    }

    /// Waits for a message of the other side matching `matcher`, until `within` seconds pass.
    package func expect(_ run: ScenarioRun, _ matcher: TextMatcher, within: Double?, onTimeout: [ScenarioStepEntry]?, line: Int) throws {
        let deadline = try within.map { try sleep(run, seconds: $0) }
        run.state.withLock { $0.wait = .message(matcher, deadline: deadline, onTimeout: onTimeout, line: line) }
    }

    /// Runs one step; an error fails the run at the step's line. Returns whether to go on.
    package func attempt(_ run: ScenarioRun, line: Int, kind: String, _ body: () throws -> Bool) -> Bool {
        do {
            return try body()
        } catch let error as AXPSimError {
            fail(run, line: line, kind: kind, error.detail)
        } catch {
            fail(run, line: line, kind: kind, "\(error)")
        }
        return false
    }

    /// The first unconsumed message of the other side that matches (consuming those before it).
    private func consumeMatch(_ run: ScenarioRun, _ matcher: TextMatcher) throws -> String? {
        let (engagementId, cursor) = run.state.withLock { ($0.engagementId, $0.cursor) }
        guard let engagementId else { return nil }
        let messages = try env.store.chatRead { try $0.messages(engagementId, pageSize: 10_000, pageNumber: 1, ascending: true) }
        let wanted: (ParticipantType) -> Bool = run.role == .agent ? { $0 == .customer } : { $0 != .customer }
        var consumed = cursor
        defer { run.state.withLock { $0.cursor = max($0.cursor, consumed) } }
        for message in messages where message.messageIndex > cursor && wanted(message.participantType) {
            consumed = message.messageIndex
            if let text = message.text, matcher.matches(text) { return text }
        }
        return nil
    }

    /// True once the run's chat has ended.
    /// A store failure is logged and counts as "not ended" (the run then waits on).
    func chatEnded(_ run: ScenarioRun) -> Bool {
        guard let engagementId = run.state.withLock({ $0.engagementId }) else { return false }
        do {
            return try env.store.chatRead { try $0.engagement(engagementId) }?.isEnded ?? false
        } catch {
            logger.error("cannot read a scenario's chat", metadata: ["run": "\(run.id)", "error": "\(error)"])
            return false
        }
    }

    package func fail(_ run: ScenarioRun, line: Int, kind: String, _ text: String) {
        record(run, line: line, kind: kind, status: "failed", detail: text)
        finish(run, .failed, failure: line > 0 ? "line \(line): \(kind): \(text)" : text)
    }

    package func finish(_ run: ScenarioRun, _ status: ScenarioRun.Status, failure: String?) {
        let at = instant(run)
        let waitTimer = run.state.withLock { s -> Int64? in
            guard s.status == .running else { return nil }
            s.status = status
            s.failure = failure
            s.finishedAt = at
            switch s.wait {
            case .timer(let id)?: return id
            case .message(_, let deadline, _, _)?: return deadline
            case nil: return nil
            }
        }
        if let waitTimer { dropTimer(waitTimer) }
        run.state.withLock { $0.wait = nil }
    }
}

extension TextMatcher {
    /// How a matcher reads in progress and failure texts.
    package var text: String {
        switch self {
        case .regex(let pattern): "/\(pattern)/"
        case .exact(let text): "\"\(text)\""
        }
    }
}
