import AXPSimCore
import AXPSimStore
import Foundation
import Logging
import Synchronization

/// Fires persisted timers when they fall due on their account's clock.
///
/// Accounts on the real clock are served by one background thread that sleeps until the earliest
/// due timer (or a poke). Accounts on a virtual clock fire only inside ``advance(accountId:to:)``,
/// which runs everything due in time order — moving the clock to each timer's instant first —
/// and returns once it is all stored.
package final class Scheduler: Sendable {
    package let store: Store
    package let clocks: ClockService
    package let chat: ChatService
    package let scenarios: ScenarioEngine
    package let retention: RetentionService
    package let logger = Logger(label: "axpsim.scheduler")
    private let wake: TimerSignal
    private let running = Mutex(false)
    private let stopped = DispatchSemaphore(value: 0)
    /// Serialises advances of one account's virtual clock.
    private let advancing = Mutex<Set<String>>([])
    /// Longest sleep between checks, seconds (also bounds the effect of wall-clock jumps).
    static let maxSleep: TimeInterval = 1

    package init(
        store: Store, clocks: ClockService, chat: ChatService, scenarios: ScenarioEngine, retention: RetentionService, wake: TimerSignal
    ) {
        self.wake = wake
        self.store = store
        self.clocks = clocks
        self.chat = chat
        self.scenarios = scenarios
        self.retention = retention
    }

    /// Starts the real-clock thread.
    package func start() {
        running.withLock { $0 = true }
        let thread = Thread { [self] in self.loop() }
        thread.name = "axpsim-scheduler"
        thread.start()
    }

    /// Stops the real-clock thread.
    package func stop() {
        let wasRunning = running.withLock { running -> Bool in
            defer { running = false }
            return running
        }
        guard wasRunning else { return }
        wake.signal()
        stopped.wait()
    }

    /// Re-plans: timers or clocks changed.
    package func poke() {
        wake.signal()
    }

    private func loop() {
        while running.withLock({ $0 }) {
            let delay: TimeInterval
            do {
                delay = try fireDueRealTimers()
            } catch {
                logger.error("the real-clock scheduler could not read its timers", metadata: ["error": "\(error)"])
                delay = Self.maxSleep
            }
            retention.passIfDue()
            wake.wait(until: .now() + min(max(delay, 0.001), Self.maxSleep))
        }
        stopped.signal()
    }

    /// Most timers fired per batch before the next batch is read.
    static let batchSize = 500

    /// Fires every due timer of real-clock accounts (only those: timers of virtual-clock accounts
    /// wait for their advance and never hold real ones back); returns seconds until the next one.
    private func fireDueRealTimers() throws -> TimeInterval {
        let defaultReal = clocks.defaultMode == .real
        while true {
            let due = try store.chatRead { try $0.dueRealClockTimers(now: Date(), defaultReal: defaultReal, limit: Self.batchSize) }
            for timer in due {
                do {
                    _ = try fire(timer, now: Date())
                } catch {
                    logger.error("timer failed", metadata: ["kind": "\(timer.kind)", "target": "\(timer.target)", "error": "\(error)"])
                    _ = try store.chatWrite { try $0.takeTimer(timer.timerId) }
                }
            }
            if due.count < Self.batchSize { break }
        }
        guard let next = try store.chatRead({ try $0.nextRealClockTimerDue(defaultReal: defaultReal) }) else { return Self.maxSleep }
        return min(Self.maxSleep, next.timeIntervalSince(Date()))
    }

    /// Fires one timer through its owner: the scenario engine's steps, the chat's everything else.
    private func fire(_ timer: ScheduledTimer, now: Date) throws -> Bool {
        timer.kind == .scenarioStep ? try scenarios.fire(timer) : try chat.fire(timer, now: now)
    }

    /// Moves a virtual clock to `end`, firing every timer due by then in time order (timers that
    /// firing creates included). Returns how many fired.
    package func advance(accountId: String, to end: Date) throws -> Int {
        let claimed = advancing.withLock { $0.insert(accountId).inserted }
        guard claimed else {
            throw AXPSimError.conflict(code: "clock_busy", detail: "Another advance of this account's clock is running")
        }
        defer { _ = advancing.withLock { $0.remove(accountId) } }
        var fired = 0
        while let timer = try store.chatRead({ try $0.nextDueTimer(accountId: accountId, notAfter: end) }) {
            let current = try clocks.now(accountId: accountId)
            let at = max(timer.dueAt, current)
            try clocks.set(accountId: accountId, ClockState(mode: .virtual, virtualNow: at))
            if try fire(timer, now: at) { fired += 1 }
            scenarios.waitUntilIdle(accountId: accountId)
        }
        try clocks.set(accountId: accountId, ClockState(mode: .virtual, virtualNow: end))
        return fired
    }
}
