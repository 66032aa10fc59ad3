import AXPSimCore
import Foundation
import GRDB

/// Messages, in their gap-free per-engagement order.
extension ChatTransaction {
    /// Stores a message with the engagement's next `messageIndex` (the given one is ignored).
    public func appendMessage(_ message: ChatMessage, accountId: String) throws -> ChatMessage {
        // The engagement's next index and, when it has one, its conversation's (0 without).
        var stored = message
        let counters = try Row.fetchOne(
            db.cachedStatement(
                sql: "UPDATE engagement SET last_message_index = last_message_index + 1, updated_at = ? WHERE engagement_id = ? RETURNING last_message_index, conversation_id"
            ), arguments: [message.receivedAt.millis, message.engagementId])
        stored.messageIndex = counters?[0] ?? 1
        stored.conversationIndex = 0
        if let conversationId: String = counters?[1] {
            stored.conversationIndex =
                try Int64.fetchOne(
                    db.cachedStatement(sql: "UPDATE conversation SET last_message_index = last_message_index + 1 WHERE conversation_id = ? RETURNING last_message_index"),
                    arguments: [conversationId]) ?? 0
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO message (message_id, account_id, engagement_id, dialog_id, message_index, parent_message_id, participant_id,
                  participant_type, display_name, body, received_at, sender_session_id, attachments, conversation_index)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(
            arguments: [
                stored.messageId, accountId, stored.engagementId, stored.dialogId, stored.messageIndex, stored.parentMessageId,
                stored.participantId, stored.participantType.rawValue, stored.displayName, String(decoding: stored.body.jsonData, as: UTF8.self),
                stored.receivedAt.millis, stored.senderSessionId, stored.attachments.isEmpty ? nil : JSONColumn.encode(stored.attachments),
                stored.conversationIndex,
            ])
        return stored
    }

    /// A message by id within an engagement, or nil.
    public func message(_ messageId: String, engagementId: String) throws -> ChatMessage? {
        try Row.mapOne(db.cachedStatement(sql: "SELECT * FROM message WHERE message_id = ? AND engagement_id = ?"), arguments: [messageId, engagementId], Self.message(row:))
    }

    /// A page of an engagement's messages: `pageNumber` counts from 1.
    public func messages(_ engagementId: String, pageSize: Int, pageNumber: Int, ascending: Bool) throws -> [ChatMessage] {
        try Row.mapAll(
            db,
            sql: "SELECT * FROM message WHERE engagement_id = ? ORDER BY message_index \(ascending ? "ASC" : "DESC") LIMIT ? OFFSET ?",
            arguments: [engagementId, pageSize, (pageNumber - 1) * pageSize], Self.message(row:))
    }

    /// A page of a conversation's messages across its chats, by conversation index: `pageNumber`
    /// counts from 1.
    public func conversationMessages(_ conversationId: String, pageSize: Int, pageNumber: Int, ascending: Bool) throws -> [ChatMessage] {
        try Row.mapAll(
            db,
            sql: """
                SELECT m.* FROM message m JOIN engagement e ON e.engagement_id = m.engagement_id
                WHERE e.conversation_id = ? ORDER BY m.conversation_index \(ascending ? "ASC" : "DESC") LIMIT ? OFFSET ?
                """,
            arguments: [conversationId, pageSize, (pageNumber - 1) * pageSize], Self.message(row:))
    }

    /// How many messages a conversation holds.
    public func conversationMessageCount(_ conversationId: String) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM message m JOIN engagement e ON e.engagement_id = m.engagement_id WHERE e.conversation_id = ?"),
            arguments: [conversationId]) ?? 0
    }

    /// How many messages an engagement holds.
    public func messageCount(_ engagementId: String) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM message WHERE engagement_id = ?"), arguments: [engagementId]) ?? 0
    }

    static func message(row: Row) -> ChatMessage {
        ChatMessage(
            messageId: row["message_id"], engagementId: row["engagement_id"], dialogId: row["dialog_id"], messageIndex: row["message_index"],
            parentMessageId: row["parent_message_id"], participantId: row["participant_id"],
            participantType: ParticipantType(rawValue: row["participant_type"]) ?? .system, displayName: row["display_name"],
            body: JSONValue.stored(row["body"]), receivedAt: row.date("received_at"), senderSessionId: row["sender_session_id"],
            attachments: JSONColumn.decode([MessageAttachment].self, from: row["attachments"]) ?? [], conversationIndex: row["conversation_index"])
    }
}
