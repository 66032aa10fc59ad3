import AXPSimCore
import AXPSimStore
import Foundation

/// Token actions on the sessions following a chat (scenario steps `token.expire`, `token.revoke`).
extension ChatService {
    /// The active sessions following an engagement.
    package func followingSessions(_ tx: ChatTransaction, _ engagementId: String) throws -> [ChatSession] {
        try tx.followers(engagementId).compactMap { try tx.session($0) }
    }

    /// Makes the current token of every following session expire now: `TOKEN_EXPIRED`, and calls
    /// with it answer 401 `token_expired` until the client brings a new one. Inside the caller's
    /// transaction: every expiry and its event commit together, or none.
    @discardableResult
    package func expireTokens(_ tx: ChatTransaction, _ emission: Emission, following engagementId: String, at now: Date) throws -> [ChatSession] {
        let sessions = try followingSessions(tx, engagementId)
        for session in sessions {
            _ = try tx.expireIssuedToken(jti: session.tokenJti, at: now)
            try tx.cancelTimers(target: session.sessionId, kinds: [.tokenReminder, .tokenExpired])
            try tx.updateSessionToken(session.sessionId, jti: session.tokenJti, expiresAt: now)
            try emit(
                tx, emission, sessionId: session.sessionId, accountId: session.accountId, .tokenExpired, engagement: nil,
                ["sessionId": .string(session.sessionId), "jti": .string(session.tokenJti), "expiresAt": .date(now)], at: now)
            emission.timersChanged = true
        }
        return sessions
    }

    /// Revokes the current token of every following session; returns their jtis. Inside the
    /// caller's transaction: their connections end after the commit.
    @discardableResult
    package func revokeTokens(_ tx: ChatTransaction, _ emission: Emission, following engagementId: String, at now: Date) throws -> [String] {
        let jtis = try followingSessions(tx, engagementId).map(\.tokenJti)
        for jti in jtis {
            try tx.revokeIssuedToken(jti: jti, at: now)
            emission.revokedTokens.append(jti)
        }
        return jtis
    }

    /// Revokes one chat JWT: calls with it answer 401, connections authenticated with it end.
    package func revokeToken(_ jti: String, accountId: String) throws {
        try store.revokeToken(jti: jti, at: try now(accountId))
        sink.tokenRevoked(jti)
    }

    /// Drops the connections of every session following a chat without a goodbye (a fault), after
    /// the caller's transaction commits.
    package func dropConnections(_ tx: ChatTransaction, _ emission: Emission, following engagementId: String) throws {
        for session in try followingSessions(tx, engagementId) { emission.droppedConnections.append(session.sessionId) }
    }
}
