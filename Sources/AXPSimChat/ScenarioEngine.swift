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
///
/// Runs are state, not memory: every run has a `scenario_run` row, and each change of a run is
/// one *transition* — one store transaction that makes the step's chat writes (messages, joins,
/// events, tokens, sessions, the timer it now waits on, a child run it starts) *and* stores the
/// run's new state, or does neither. The copy in memory is replaced only after the commit, and a
/// step's effects outside the database (events delivered, connections closed or dropped, fault
/// rules added, observers told) come after it too. Hence the guarantee on a crash (`kill -9`, or
/// an emulator constructed again on the same file): the stored position of a run is never behind
/// a chat action it committed, so a resumed run never repeats a message, join, end or any other
/// visible step; and never ahead of one, so no step is skipped. A timer's firing is taken in the
/// same transaction as the run's reaction to it. ``reload()`` reads the stored runs back (at
/// start-up, after a reset or a snapshot restore) and kicks the running ones.
///
/// What a crash does lose: fault rules a `fault` step added (rules live in memory, as those of
/// `PUT /__sim/faults` do), and an integration-attached run whose chat was created but whose run
/// was not stored yet (the chat's commit and the run's first write are two transactions).
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
        package var draining: Set<String> = []

        package func isIdle(_ accountId: String) -> Bool {
            !draining.contains(accountId) && (pending[accountId]?.isEmpty ?? true)
        }
    }

    /// What a transition does besides changing the run: the chat's emission, the runs it started
    /// and the fault rules it adds, all acted on after the commit.
    package final class Outcome {
        package let emission = ChatService.Emission()
        package var started: [ScenarioRun] = []
        package var faults: [Fault] = []
    }

    /// A step that failed: the run fails at its line (the step's writes were rolled back).
    package struct StepFailure: Error {
        package let line: Int
        package let kind: String
        package let detail: String
    }

    package let env: Environment
    package let library: ScenarioLibrary
    /// The stored runs, in memory (a copy of the `scenario_run` rows, kept in step by ``reload()``,
    /// transitions and ``forgetFinishedRuns(keeping:)``).
    package let runs = Mutex<[String: ScenarioRun]>([:])
    package let queue = Mutex(Queue())
    /// Signalled whenever an account's drain ends (``waitUntilIdle(accountId:)`` waits on it).
    let drained = NSCondition()
    package let logger = Logger(label: "axpsim.scenario")
    /// Most steps one drain runs for one run before yielding (a guard against a runaway loop).
    package static let stepBudget = 10_000

    /// Follows the chat from here on (through the chat's observers). Stored runs are not read
    /// yet: call ``reload()`` once the rest of the emulator is built.
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

    package func run(_ id: String) -> ScenarioRun? {
        runs.withLock { $0[id] }
    }

    package var allRuns: [ScenarioRun] {
        runs.withLock { Array($0.values) }
    }

    // MARK: Stored runs

    /// Replaces the runs in memory with the stored ones, then kicks every running run (one
    /// waiting on a message that is already there goes on at once; one waiting on a timer waits
    /// for it). Called at start-up, before the scheduler starts, and after a reset or a snapshot
    /// restore rewrote the table. A row that does not decode is logged and left out.
    package func reload() throws {
        var loaded: [String: ScenarioRun] = [:]
        for row in try env.store.scenarioRuns() {
            do {
                loaded[row.runId] = try ScenarioRun(stored: row)
            } catch {
                logger.error("cannot read a stored scenario run", metadata: ["run": "\(row.runId)", "error": "\(error)"])
            }
        }
        runs.withLock { $0 = loaded }
        let running = loaded.values.filter { !$0.isFinished }.sorted { ($0.state.withLock { $0.startedAt }, $0.id) < ($1.state.withLock { $0.startedAt }, $1.id) }
        for run in running { kick(run.id) }
    }

    /// Forgets finished runs beyond the `keeping` most recently finished, rows and memory alike
    /// (running ones stay).
    package func forgetFinishedRuns(keeping: Int) throws {
        let gone = try env.store.pruneFinishedScenarioRuns(keeping: keeping)
        runs.withLock { runs in
            for id in gone { runs[id] = nil }
        }
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
        try register(run)
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
        try register(run)
        return run
    }

    /// Stores a new run, then starts draining it.
    private func register(_ run: ScenarioRun) throws {
        let row = try run.stored()
        try env.store.chatWrite { tx in try tx.insertScenarioRun(row) }
        runs.withLock { $0[run.id] = run }
        kick(run.id)
    }

    /// A new chat whose route names a scenario (its rule's, else its integration's) gets an agent
    /// run, the chat's orchestration workflow (unless a headless run created it: that run started
    /// its own agent side in the same commit).
    private func engagementCreated(_ engagement: Engagement) {
        if allRuns.contains(where: { $0.state.withLock { $0.engagementId } == engagement.engagementId }) { return }
        let name: String?
        do {
            name = try env.store.chatRead { tx in try tx.route(engagementId: engagement.engagementId)?.scenario }
        } catch {
            logger.error("cannot read the route of a new chat", metadata: ["engagement": "\(engagement.engagementId)", "error": "\(error)"])
            return
        }
        guard let name else { return }
        guard let scenario = library.scenario(named: name) else {
            logger.warning("routed scenario not loaded", metadata: ["scenario": "\(name)", "engagement": "\(engagement.engagementId)"])
            return
        }
        do {
            try startAgent(scenario, engagementId: engagement.engagementId)
        } catch {
            logger.error("cannot start the routed scenario", metadata: ["scenario": "\(name)", "error": "\(error)"])
        }
    }

    /// Stops a run (its pending timers are dropped). False when it is unknown or already over.
    package func cancel(_ id: String) -> Bool {
        do {
            return try onCurrentCopy(id) { run in
                guard !run.isFinished else { return false }
                let at = instant(run)
                return try transition(run) { tx, _, state in
                    guard state.status == .running else { return false }
                    try finish(tx, &state, .cancelled, failure: nil, at: at)
                    return true
                }
            } ?? false
        } catch {
            logger.error("cannot cancel a scenario run", metadata: ["run": "\(id)", "error": "\(error)"])
            return false
        }
    }

    /// Fails a running run from outside its steps (a headless replay that can go no further).
    package func fail(_ run: ScenarioRun, line: Int, kind: String, _ text: String) {
        do {
            _ = try onCurrentCopy(run.id) { run in
                let at = instant(run)
                try transition(run) { tx, _, state in try fail(tx, &state, line: line, kind: kind, text, at: at) }
            }
        } catch {
            logger.error("cannot record a scenario run's failure", metadata: ["run": "\(run.id)", "error": "\(error)"])
        }
    }

    /// Runs `body` on the engine's copy of run `id` (nil when there is none); when its stored row
    /// had moved on under that copy (``Superseded``), once more on the copy read back.
    private func onCurrentCopy<T>(_ id: String, _ body: (ScenarioRun) throws -> T) throws -> T? {
        guard let run = run(id) else { return nil }
        do {
            return try body(run)
        } catch is Superseded {
            guard let fresh = self.run(id) else { return nil }
            return try body(fresh)
        }
    }

    /// A transition found the run's row at another revision than its copy (a reset or a snapshot
    /// restore replaced the row, or a reload raced a transition): nothing of it was stored, and
    /// the engine's copy was replaced with the row (or dropped with it).
    package struct Superseded: Error {
        package let runId: String
    }

    /// Replaces the engine's copy of one run with its stored row, or forgets the run when the row
    /// is gone.
    private func refresh(_ id: String) {
        do {
            let fresh = try env.store.chatRead { try $0.scenarioRun(id) }.map(ScenarioRun.init(stored:))
            runs.withLock { $0[id] = fresh }
        } catch {
            logger.error("cannot read a scenario run back", metadata: ["run": "\(id)", "error": "\(error)"])
        }
    }

    // MARK: Transitions

    /// One change of `run`: `body` edits a copy of its state inside one store transaction, where it
    /// may also make chat writes (adding to the outcome's emission) and start runs; the new state
    /// is stored in the same transaction (guarded by the row's revision) when it differs. After
    /// the commit the copy becomes the run's state, started runs join the engine, fault rules are
    /// added, the emission is delivered and the started runs are kicked — in that order, without
    /// the run's lock. When `body` throws, nothing of it happened; ``Superseded`` when `run` is no
    /// longer the engine's copy, or its row had moved on (the copy is then read back).
    @discardableResult
    package func transition<T>(_ run: ScenarioRun, _ body: (ChatTransaction, Outcome, inout ScenarioRun.State) throws -> T) throws -> T {
        let outcome = Outcome()
        let result: T
        run.stepping.lock()
        do {
            defer { run.stepping.unlock() }
            guard self.run(run.id) === run else { throw Superseded(runId: run.id) }
            let before = run.state.withLock { $0 }
            var after = before
            result = try env.store.chatWrite { tx in
                let result = try body(tx, outcome, &after)
                for child in outcome.started { try tx.insertScenarioRun(try child.stored()) }
                if after != before {
                    after.revision = before.revision + 1
                    try tx.updateScenarioRun(
                        runId: run.id, revision: before.revision, status: after.status.rawValue, state: try ScenarioRun.encodedState(after),
                        finishedAt: after.finishedAt)
                    // Progress is only ever appended: the new lines go to their own rows.
                    let added = after.progress.dropFirst(before.progress.count)
                    if !added.isEmpty { try tx.appendScenarioRunSteps(runId: run.id, from: before.progress.count, added.map(\.stored)) }
                }
                return result
            }
            run.state.withLock { $0 = after }
        } catch let error as AXPSimError where error.code == "scenario_run_superseded" {
            refresh(run.id)
            throw Superseded(runId: run.id)
        }
        if !outcome.started.isEmpty {
            runs.withLock { runs in
                for child in outcome.started { runs[child.id] = child }
            }
        }
        for fault in outcome.faults { env.faults.add(fault) }
        env.chat.publish(outcome.emission)
        for child in outcome.started { kick(child.id) }
        return result
    }

    /// Ends the run's state with `status`; the timer it waited on goes in the same transaction.
    package func finish(_ tx: ChatTransaction, _ state: inout ScenarioRun.State, _ status: ScenarioRun.Status, failure: String?, at: Date) throws {
        guard state.status == .running else { return }
        state.status = status
        state.failure = failure
        state.finishedAt = Timestamp.date(millis: Timestamp.millis(at))
        switch state.wait {
        case .timer(let id)?: _ = try tx.takeTimer(id)
        case .message(_, let deadline?, _, _)?: _ = try tx.takeTimer(deadline)
        case .message?, nil: break
        }
        state.wait = nil
    }

    /// Records a failed step and fails the run at its line.
    package func fail(_ tx: ChatTransaction, _ state: inout ScenarioRun.State, line: Int, kind: String, _ text: String, at: Date) throws {
        record(&state, line: line, kind: kind, status: "failed", detail: text, at: at)
        try finish(tx, &state, .failed, failure: line > 0 ? "line \(line): \(kind): \(text)" : text, at: at)
    }

    /// Appends a line of progress (its instant kept to the millisecond, as it is stored).
    package func record(_ state: inout ScenarioRun.State, line: Int, kind: String, status: String = "done", detail: String? = nil, at: Date) {
        state.progress.append(.init(line: line, kind: kind, status: status, at: Timestamp.date(millis: Timestamp.millis(at)), detail: detail))
    }

    // MARK: Waking

    /// A scenario timer fell due: the run waiting on it goes on (the timer is taken in the same
    /// transaction as the run's reaction, so a crash never loses one without the other). False
    /// when another thread took (or a finish dropped) the timer first.
    @discardableResult
    package func fire(_ timer: ScheduledTimer) throws -> Bool {
        guard let taken = try onCurrentCopy(timer.target, { try fire(timer, on: $0) }) else {
            return try env.store.chatWrite { try $0.takeTimer(timer.timerId) }
        }
        return taken
    }

    private func fire(_ timer: ScheduledTimer, on run: ScenarioRun) throws -> Bool {
        let at = instant(run)
        let taken = try transition(run) { tx, _, state -> Bool in
            guard try tx.takeTimer(timer.timerId) else { return false }
            guard state.status == .running else { return true }
            switch state.wait {
            case .timer(let id)? where id == timer.timerId:
                state.wait = nil
            case .message(let matcher, let deadline, let onTimeout, let line)? where deadline == timer.timerId:
                state.wait = nil
                if let onTimeout {
                    record(&state, line: line, kind: "expect", status: "timedOut", detail: "no match for \(matcher.text); running onTimeout", at: at)
                    state.frames.append(.init(path: onTimeout, index: 0))
                } else {
                    try fail(tx, &state, line: line, kind: "expect", "expected a message matching \(matcher.text) in time; none came", at: at)
                }
            default:
                break
            }
            return true
        }
        if taken { kick(run.id) }
        return taken
    }

    private func messageArrived(_ engagementId: String, waitingRole: ScenarioRun.Role) {
        let waiting = allRuns.filter { run in
            run.role == waitingRole && !run.isFinished && run.state.withLock { $0.engagementId == engagementId }
        }
        for run in waiting { kick(run.id) }
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
