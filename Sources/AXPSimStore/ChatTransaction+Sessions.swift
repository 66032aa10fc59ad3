import AXPSimCore
import Foundation
import GRDB

/// Sessions.
extension ChatTransaction {
    public func insertSession(_ s: ChatSession) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO chat_session (session_id, account_id, integration_id, customer_id, display_name, session_parameters, client_type,
                  state, created_at, closed_at, close_reason, token_jti, token_expires_at, last_event_seq, family, participant_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(
            arguments: [
                s.sessionId, s.accountId, s.integrationId, s.customerId, s.displayName, encodeStrings(s.sessionParameters), s.clientType,
                s.state.rawValue, s.createdAt.millis, s.closedAt?.millis, s.closeReason, s.tokenJti, s.tokenExpiresAt.millis, s.lastEventSeq,
                s.family.rawValue, s.participantId,
            ])
    }

    /// A session by id, or nil.
    public func session(_ sessionId: String) throws -> ChatSession? {
        try Row.mapOne(db.cachedStatement(sql: "SELECT * FROM chat_session WHERE session_id = ?"), arguments: [sessionId], Self.session(row:))
    }

    /// The account's sessions (all customers), newest first; or one customer's.
    public func sessions(accountId: String, customerId: String? = nil, activeOnly: Bool = false) throws -> [ChatSession] {
        var sql = "SELECT * FROM chat_session WHERE account_id = ?"
        var arguments: StatementArguments = [accountId]
        if let customerId {
            sql += " AND customer_id = ?"
            arguments += [customerId]
        }
        if activeOnly { sql += " AND state = 'active'" }
        return try Row.mapAll(db, sql: sql + " ORDER BY created_at DESC, session_id", arguments: arguments, Self.session(row:))
    }

    /// Records the newest token of a session.
    public func updateSessionToken(_ sessionId: String, jti: String, expiresAt: Date) throws {
        try db.cachedStatement(
            sql: "UPDATE chat_session SET token_jti = ?, token_expires_at = ? WHERE session_id = ?").execute(
            arguments: [jti, expiresAt.millis, sessionId])
    }

    /// Records the last event id the SDK acknowledged on its long poll (its cursor: a poll without
    /// `lastEventId` continues from here).
    public func setPollCursor(_ sessionId: String, seq: Int64) throws {
        try db.cachedStatement(sql: "UPDATE chat_session SET poll_ack_seq = ? WHERE session_id = ?").execute( arguments: [seq, sessionId])
    }

    /// The session's long-poll cursor.
    public func pollCursor(_ sessionId: String) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT poll_ack_seq FROM chat_session WHERE session_id = ?"), arguments: [sessionId]) ?? 0
    }

    /// Closes a session; false when it was already closed.
    public func closeSession(_ sessionId: String, reason: String, at date: Date) throws -> Bool {
        try db.cachedStatement(
            sql: "UPDATE chat_session SET state = 'closed', closed_at = ?, close_reason = ? WHERE session_id = ? AND state = 'active'").execute(
            arguments: [date.millis, reason, sessionId])
        return db.changesCount > 0
    }

    static func session(row: Row) -> ChatSession {
        ChatSession(
            sessionId: row["session_id"], accountId: row["account_id"], integrationId: row["integration_id"], customerId: row["customer_id"],
            displayName: row["display_name"], sessionParameters: decodeStrings(row["session_parameters"]), clientType: row["client_type"],
            state: SessionState(rawValue: row["state"]) ?? .closed, createdAt: row.date("created_at"), closedAt: row.optionalDate("closed_at"),
            closeReason: row["close_reason"], tokenJti: row["token_jti"], tokenExpiresAt: row.date("token_expires_at"),
            lastEventSeq: row["last_event_seq"], family: ClientFamily(rawValue: row["family"]) ?? .chat, participantId: row["participant_id"])
    }

    /// Makes an issued token expire at `date` at the latest (in the caller's transaction, so the
    /// expiry and the event that reports it are stored together); false when unknown.
    public func expireIssuedToken(jti: String, at date: Date) throws -> Bool {
        try db.cachedStatement(sql: "UPDATE issued_token SET expires_at = MIN(expires_at, ?) WHERE jti = ?").execute( arguments: [Timestamp.millis(date), jti])
        return db.changesCount > 0
    }
}
