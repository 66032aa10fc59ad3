import AXPSimCore
import Foundation
import GRDB

/// Attachments: one row per file of a chat, its bytes in the row's `data` BLOB (so they are
/// deleted with their account, reset, pruned with their chat and copied into snapshots with
/// everything else).
extension ChatTransaction {
    /// Stores a new attachment, with its bytes when it arrives whole (the contact center's upload).
    public func insertAttachment(_ a: ChatAttachment, data: Data? = nil) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO attachment (attachment_id, account_id, session_id, engagement_id, name, content_type, declared_size, size, data,
                  state, created_at, upload_expires_at, uploaded_at, message_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(
            arguments: [
                a.attachmentId, a.accountId, a.sessionId, a.engagementId, a.name, a.contentType, a.declaredSize, a.size, data, a.state.rawValue,
                a.createdAt.millis, a.uploadExpiresAt.millis, a.uploadedAt?.millis, a.messageId,
            ])
    }

    /// An attachment's record (without its bytes), or nil.
    public func attachment(_ attachmentId: String) throws -> ChatAttachment? {
        try Row.mapOne(db, sql: "SELECT \(Self.attachmentColumns) FROM attachment WHERE attachment_id = ?", arguments: [attachmentId], Self.attachment(row:))
    }

    /// The attachments of a chat, oldest first (records only).
    public func attachments(engagementId: String) throws -> [ChatAttachment] {
        try Row.mapAll(
            db, sql: "SELECT \(Self.attachmentColumns) FROM attachment WHERE engagement_id = ? ORDER BY created_at, attachment_id",
            arguments: [engagementId], Self.attachment(row:))
    }

    /// An attachment's bytes, or nil when none were stored.
    public func attachmentData(_ attachmentId: String) throws -> Data? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT data FROM attachment WHERE attachment_id = ?"), arguments: [attachmentId])
    }

    /// Stores the bytes of a pending attachment; false when it is not pending (already uploaded).
    public func storeUpload(_ attachmentId: String, data: Data, at date: Date) throws -> Bool {
        try db.cachedStatement(
            sql: "UPDATE attachment SET data = ?, size = ?, state = 'uploaded', uploaded_at = ? WHERE attachment_id = ? AND state = 'pending'").execute(
            arguments: [data, Int64(data.count), date.millis, attachmentId])
        return db.changesCount == 1
    }

    /// Marks uploaded attachments as carried by `messageId`; false when one of them was not
    /// `uploaded` any more.
    public func attach(_ attachmentIds: [String], messageId: String) throws -> Bool {
        for attachmentId in attachmentIds {
            try db.cachedStatement(
                sql: "UPDATE attachment SET state = 'attached', message_id = ? WHERE attachment_id = ? AND state = 'uploaded'").execute(
                arguments: [messageId, attachmentId])
            guard db.changesCount == 1 else { return false }
        }
        return true
    }

    /// Every column but the bytes.
    static let attachmentColumns = """
        attachment_id, account_id, session_id, engagement_id, name, content_type, declared_size, size, state, created_at, upload_expires_at,
        uploaded_at, message_id
        """

    static func attachment(row: Row) -> ChatAttachment {
        ChatAttachment(
            attachmentId: row["attachment_id"], accountId: row["account_id"], engagementId: row["engagement_id"], sessionId: row["session_id"],
            name: row["name"], contentType: row["content_type"], declaredSize: row["declared_size"], size: row["size"],
            state: ChatAttachment.State(rawValue: row["state"]) ?? .pending, createdAt: row.date("created_at"),
            uploadExpiresAt: row.date("upload_expires_at"), uploadedAt: row.optionalDate("uploaded_at"), messageId: row["message_id"])
    }
}
