import AXPSimCore
import Foundation
import GRDB

/// Engagements, participants and the sessions following each engagement.
extension ChatTransaction {
    public func insertEngagement(_ e: Engagement) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO engagement (engagement_id, account_id, integration_id, customer_id, dialog_id, status, engagement_parameters,
                  created_at, updated_at, ended_at, end_reason, created_by_session, last_message_index, last_customer_activity_at,
                  conversation_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(
            arguments: [
                e.engagementId, e.accountId, e.integrationId, e.customerId, e.dialogId, e.status.rawValue, encodeStrings(e.engagementParameters),
                e.createdAt.millis, e.updatedAt.millis, e.endedAt?.millis, e.endReason, e.createdBySession, e.lastMessageIndex,
                e.lastCustomerActivityAt.millis, e.conversationId,
            ])
    }

    /// An engagement by id, or nil.
    public func engagement(_ engagementId: String) throws -> Engagement? {
        try Row.mapOne(db.cachedStatement(sql: "SELECT * FROM engagement WHERE engagement_id = ?"), arguments: [engagementId], Self.engagement(row:))
    }

    /// The account's engagements (or one customer's), newest first.
    public func engagements(accountId: String, customerId: String? = nil, includeEnded: Bool = true) throws -> [Engagement] {
        var sql = "SELECT * FROM engagement WHERE account_id = ?"
        var arguments: StatementArguments = [accountId]
        if let customerId {
            sql += " AND customer_id = ?"
            arguments += [customerId]
        }
        if !includeEnded { sql += " AND status IN ('PENDING', 'ACTIVE')" }
        // One of four texts: cached like a literal.
        return try Row.mapAll(db.cachedStatement(sql: sql + " ORDER BY created_at DESC, engagement_id"), arguments: arguments, Self.engagement(row:))
    }

    /// Sets status (and the end, for a terminated chat).
    public func setEngagementStatus(_ engagementId: String, _ status: DialogStatus, reason: String? = nil, at date: Date) throws {
        let ended = status == .terminated
        try db.cachedStatement(
            sql: """
                UPDATE engagement SET status = ?, updated_at = ?, ended_at = CASE WHEN ? THEN ? ELSE ended_at END,
                  end_reason = CASE WHEN ? THEN ? ELSE end_reason END WHERE engagement_id = ?
                """).execute(
            arguments: [status.rawValue, date.millis, ended, date.millis, ended, reason, engagementId])
    }

    /// Records customer activity (for the idle timeout).
    public func touchCustomerActivity(_ engagementId: String, at date: Date) throws {
        try db.cachedStatement(
            sql: "UPDATE engagement SET last_customer_activity_at = ?, updated_at = ? WHERE engagement_id = ?").execute(
            arguments: [date.millis, date.millis, engagementId])
    }

    // MARK: Participants

    public func insertParticipant(_ p: Participant, accountId: String) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO participant (participant_id, account_id, engagement_id, participant_type, display_name, session_id, joined_at, left_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(
            arguments: [
                p.participantId, accountId, p.engagementId, p.participantType.rawValue, p.displayName, p.sessionId, p.joinedAt.millis,
                p.leftAt?.millis,
            ])
    }

    /// Every participant an engagement ever had, in joining order.
    public func participants(_ engagementId: String) throws -> [Participant] {
        try Row.mapAll(db.cachedStatement(sql: "SELECT * FROM participant WHERE engagement_id = ? ORDER BY joined_at, rowid"), arguments: [engagementId]) {
            Participant(
                participantId: $0["participant_id"], engagementId: $0["engagement_id"],
                participantType: ParticipantType(rawValue: $0["participant_type"]) ?? .system, displayName: $0["display_name"],
                sessionId: $0["session_id"], joinedAt: $0.date("joined_at"), leftAt: $0.optionalDate("left_at"))
        }
    }

    /// Marks a participant as gone; false when it already was.
    public func markParticipantLeft(_ participantId: String, at date: Date) throws -> Bool {
        try db.cachedStatement(
            sql: "UPDATE participant SET left_at = ? WHERE participant_id = ? AND left_at IS NULL").execute( arguments: [date.millis, participantId])
        return db.changesCount > 0
    }

    // MARK: Followers

    /// Makes a session follow an engagement (idempotent).
    public func follow(engagementId: String, sessionId: String, accountId: String, at date: Date) throws {
        try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO engagement_follower (engagement_id, session_id, account_id, joined_at) VALUES (?, ?, ?, ?)").execute(
            arguments: [engagementId, sessionId, accountId, date.millis])
    }

    /// True when the session follows the engagement.
    public func isFollowing(engagementId: String, sessionId: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM engagement_follower WHERE engagement_id = ? AND session_id = ?)"),
            arguments: [engagementId, sessionId]) ?? false
    }

    /// The active sessions following an engagement.
    public func followers(_ engagementId: String) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(
            sql: """
                SELECT f.session_id FROM engagement_follower f JOIN chat_session s ON s.session_id = f.session_id
                WHERE f.engagement_id = ? AND s.state = 'active' ORDER BY f.joined_at, f.session_id
                """),
            arguments: [engagementId])
    }

    /// The engagements a session follows.
    /// The active sessions following an engagement, with the SDK family of each.
    public func followerFamilies(_ engagementId: String) throws -> [(sessionId: String, family: ClientFamily)] {
        try Row.mapAll(
            db.cachedStatement(
            sql: """
                SELECT f.session_id, s.family FROM engagement_follower f JOIN chat_session s ON s.session_id = f.session_id
                WHERE f.engagement_id = ? AND s.state = 'active' ORDER BY f.joined_at, f.session_id
                """), arguments: [engagementId]
        ) { row in (row["session_id"], ClientFamily(rawValue: row["family"]) ?? .chat) }
    }

    public func followedEngagements(sessionId: String) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT engagement_id FROM engagement_follower WHERE session_id = ?"), arguments: [sessionId])
    }

    static func engagement(row: Row) -> Engagement {
        Engagement(
            engagementId: row["engagement_id"], accountId: row["account_id"], integrationId: row["integration_id"],
            customerId: row["customer_id"], dialogId: row["dialog_id"], status: DialogStatus(rawValue: row["status"]) ?? .terminated,
            engagementParameters: decodeStrings(row["engagement_parameters"]), createdAt: row.date("created_at"),
            updatedAt: row.date("updated_at"), endedAt: row.optionalDate("ended_at"), endReason: row["end_reason"],
            createdBySession: row["created_by_session"], lastMessageIndex: row["last_message_index"],
            lastCustomerActivityAt: row.date("last_customer_activity_at"), conversationId: row["conversation_id"])
    }
}
