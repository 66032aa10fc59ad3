import AXPSimCore
import Foundation
import GRDB

/// Conversations: one per customer and integration, holding every chat of that customer there.
extension ChatTransaction {
    /// The customer's conversation on the integration, created on first use.
    public func conversation(accountId: String, integrationId: String, customerId: String, at date: Date) throws -> Conversation {
        if let found = try existingConversation(accountId: accountId, integrationId: integrationId, customerId: customerId) { return found }
        let created = Conversation(
            conversationId: Identifiers.newUUID(), accountId: accountId, integrationId: integrationId, customerId: customerId, createdAt: date)
        try db.cachedStatement(
            sql: "INSERT INTO conversation (conversation_id, account_id, integration_id, customer_id, created_at) VALUES (?, ?, ?, ?, ?)").execute(
            arguments: [created.conversationId, accountId, integrationId, customerId, date.millis])
        return created
    }

    /// The customer's conversation on the integration, if it exists.
    public func existingConversation(accountId: String, integrationId: String, customerId: String) throws -> Conversation? {
        try Row.mapOne(
            db.cachedStatement(sql: "SELECT * FROM conversation WHERE account_id = ? AND integration_id = ? AND customer_id = ?"),
            arguments: [accountId, integrationId, customerId], Self.conversation(row:))
    }

    /// A conversation by id, or nil.
    public func conversation(_ conversationId: String) throws -> Conversation? {
        try Row.mapOne(db.cachedStatement(sql: "SELECT * FROM conversation WHERE conversation_id = ?"), arguments: [conversationId], Self.conversation(row:))
    }

    /// The conversation's chats that have not ended, oldest first.
    public func openEngagements(conversationId: String) throws -> [Engagement] {
        try Row.mapAll(
            db.cachedStatement(sql: "SELECT * FROM engagement WHERE conversation_id = ? AND ended_at IS NULL ORDER BY created_at, rowid"),
            arguments: [conversationId], Self.engagement(row:))
    }

    static func conversation(row: Row) -> Conversation {
        Conversation(
            conversationId: row["conversation_id"], accountId: row["account_id"], integrationId: row["integration_id"],
            customerId: row["customer_id"], createdAt: row.date("created_at"), lastMessageIndex: row["last_message_index"])
    }
}
