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

    /// Revokes the current token of every following session (their connections end); returns their jtis.
    @discardableResult
    package func revokeTokens(following engagementId: String) throws -> [String] {
        let sessions = try followingSessions(engagementId)
        for session in sessions { try revokeToken(session.tokenJti, accountId: session.accountId) }
        return sessions.map(\.tokenJti)
    }

    /// Revokes one chat JWT: calls with it answer 401, connections authenticated with it end.
    package func revokeToken(_ jti: String, accountId: String) throws {
        try store.revokeToken(jti: jti, at: try now(accountId))
        sink.tokenRevoked(jti)
    }

    /// Drops the connections of every session following a chat without a goodbye (a fault).
    package func dropConnections(following engagementId: String) throws {
        for session in try followingSessions(engagementId) { sink.dropConnections(sessionId: session.sessionId) }
    }
}
