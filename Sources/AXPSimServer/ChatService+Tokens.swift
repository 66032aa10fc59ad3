import AXPSimCore
import AXPSimStore
import Foundation

/// Token actions on the sessions following a chat (scenario steps `token.expire`, `token.revoke`).
extension ChatService {
    /// The active sessions following an engagement.
    func followingSessions(_ engagementId: String) throws -> [ChatSession] {
        try store.chatRead { tx in try tx.followers(engagementId).compactMap { try tx.session($0) } }
    }

    /// Makes the current token of every following session expire now: `TOKEN_EXPIRED`, and calls
    /// with it answer 401 `token_expired` until the client brings a new one.
    func expireTokens(following engagementId: String) throws -> [ChatSession] {
        let sessions = try followingSessions(engagementId)
        for session in sessions {
            let now = try now(session.accountId)
            try commit { tx, emission in
                // The expiry and its event in one transaction: a crash stores both or neither.
                _ = try tx.expireIssuedToken(jti: session.tokenJti, at: now)
                try tx.cancelTimers(target: session.sessionId, kinds: [.tokenReminder, .tokenExpired])
                try tx.updateSessionToken(session.sessionId, jti: session.tokenJti, expiresAt: now)
                try emit(
                    tx, emission, sessionId: session.sessionId, accountId: session.accountId, .tokenExpired, engagementId: nil,
                    ["sessionId": .string(session.sessionId), "jti": .string(session.tokenJti), "expiresAt": .date(now)], at: now)
                emission.timersChanged = true
            }
        }
        return sessions
    }

    /// Revokes the current token of every following session; returns their jtis.
    func revokeTokens(following engagementId: String) throws -> [String] {
        let sessions = try followingSessions(engagementId)
        for session in sessions { try store.revokeToken(jti: session.tokenJti, at: try now(session.accountId)) }
        return sessions.map(\.tokenJti)
    }
}
