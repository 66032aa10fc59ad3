import Dispatch

/// Wakes the real-clock scheduler when timers were added or removed, or clocks changed. Created
/// first and handed to everything that changes timers (the chat service, the scenario engine) and
/// to the scheduler that waits on it: no closure is wired in after construction.
package final class TimerSignal: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)

    package init() {}

    /// Timers changed: the scheduler re-plans.
    package func signal() {
        semaphore.signal()
    }

    /// Waits for a signal until `deadline` (the scheduler's sleep).
    package func wait(until deadline: DispatchTime) {
        _ = semaphore.wait(timeout: deadline)
    }
}
