import Synchronization
import AXPSimCore
import AXPSimStore
import Foundation

/// What each timer does when it falls due.
extension ChatService {
    /// Fires one of the chat's timers at `now` (its due time on the account clock). Returns false
    /// when another thread fired or cancelled it first. Scenario timers belong to the scenario engine.
    @discardableResult
    package func fire(_ timer: ScheduledTimer, now: Date) throws -> Bool {
        try commit { tx, emission in
            guard try tx.takeTimer(timer.timerId) else { return false }
            switch timer.kind {
            case .tokenReminder, .tokenExpired:
                guard let session = try tx.session(timer.target), session.state == .active, session.tokenJti == timer.detail else { return true }
                let type: EventType = timer.kind == .tokenReminder ? .tokenExpiryReminder : .tokenExpired
                var fields: [String: JSONValue] = [
                    "sessionId": .string(session.sessionId), "jti": .string(session.tokenJti), "expiresAt": .date(session.tokenExpiresAt),
                ]
                if timer.kind == .tokenReminder {
                    fields["secondsRemaining"] = .int(Int64(session.tokenExpiresAt.timeIntervalSince(now).rounded()))
                }
                try emit(tx, emission, sessionId: session.sessionId, accountId: session.accountId, type, engagement: nil, fields, at: now)
            case .idleTimeout:
                guard let engagement = try tx.engagement(timer.target), !engagement.isEnded else { return true }
                _ = try end(tx, emission, engagement.engagementId, reason: "USER_INACTIVE", at: now)
            case .queueAnswer:
                try fireQueueAnswer(tx, emission, timer, at: now)
            case .queueOverflow:
                try fireQueueOverflow(tx, emission, timer, at: now)
            case .scenarioStep:
                break
            }
            return true
        }
    }
}
