import Foundation

/// What a timer does when it falls due on its account's clock.
public enum TimerKind: String, Sendable, Codable, CaseIterable {
    /// `TOKEN_EXPIRY_REMINDER` to a session, once per token.
    case tokenReminder
    /// `TOKEN_EXPIRED` to a session.
    case tokenExpired
    /// End an engagement whose customer has been idle too long.
    case idleTimeout
    /// Run the next step of a scenario run.
    case scenarioStep
    /// The agent a queue gave a chat joins it (after the queue's answer delay); `detail` is the agent.
    case queueAnswer
    /// A chat has waited its queue's longest wait; `detail` is the queue.
    case queueOverflow
}

/// A persisted timer: fires once at `dueAt` on the account's clock.
public struct ScheduledTimer: Sendable, Equatable {
    public var timerId: Int64
    public var accountId: String
    public var dueAt: Date
    public var kind: TimerKind
    /// The session, engagement or run it acts on.
    public var target: String
    /// Kind-specific detail (e.g. the token's jti).
    public var detail: String

    public init(timerId: Int64 = 0, accountId: String, dueAt: Date, kind: TimerKind, target: String, detail: String = "") {
        self.timerId = timerId
        self.accountId = accountId
        self.dueAt = dueAt
        self.kind = kind
        self.target = target
        self.detail = detail
    }
}
