import Foundation

/// A file of a chat (SPEC §3.2 "Attachments"): announced by a customer's `:generateUploadUrl`
/// (``State/pending``), then uploaded through its signed URL (``State/uploaded``), then sent in
/// one message (``State/attached``); or uploaded by the contact center through the control plane.
/// Its bytes are stored with the account's data (read apart, only to serve them).
public struct ChatAttachment: Sendable, Equatable {
    /// Where an attachment is in its life.
    public enum State: String, Sendable, Equatable, CaseIterable {
        /// Announced; its upload URL waits for the bytes until ``ChatAttachment/uploadExpiresAt``.
        case pending
        /// The bytes are stored; no message carries it yet.
        case uploaded
        /// A message carries it (``ChatAttachment/messageId``); it can be used only once.
        case attached
    }

    /// The id (a UUID; the upload's `mediaId`, the message's `attachmentIds` entry).
    public var attachmentId: String
    public var accountId: String
    /// The chat it belongs to.
    public var engagementId: String
    /// The customer session that announced it; nil for the contact center's uploads.
    public var sessionId: String?
    /// The file name (as declared by the customer, or the uploaded part's filename).
    public var name: String
    /// The media type (as declared; the upload must carry the same).
    public var contentType: String
    /// The size announced by `attachmentSize`, bytes.
    public var declaredSize: Int64
    /// The size of the stored bytes (nil until uploaded).
    public var size: Int64?
    public var state: State
    public var createdAt: Date
    /// The upload URL's end, on the account's clock.
    public var uploadExpiresAt: Date
    /// When the bytes arrived (account clock).
    public var uploadedAt: Date?
    /// The message that carries it, once attached.
    public var messageId: String?

    public init(
        attachmentId: String, accountId: String, engagementId: String, sessionId: String?, name: String, contentType: String,
        declaredSize: Int64, size: Int64? = nil, state: State, createdAt: Date, uploadExpiresAt: Date, uploadedAt: Date? = nil,
        messageId: String? = nil
    ) {
        self.attachmentId = attachmentId
        self.accountId = accountId
        self.engagementId = engagementId
        self.sessionId = sessionId
        self.name = name
        self.contentType = contentType
        self.declaredSize = declaredSize
        self.size = size
        self.state = state
        self.createdAt = createdAt
        self.uploadExpiresAt = uploadExpiresAt
        self.uploadedAt = uploadedAt
        self.messageId = messageId
    }

    /// True for the contact center's uploads (no customer session announced them).
    public var isFromContactCenter: Bool { sessionId == nil }

    /// What a message keeps of it.
    public var metadata: MessageAttachment {
        MessageAttachment(attachmentId: attachmentId, name: name, size: size ?? declaredSize, contentType: contentType)
    }
}

/// The file of an upload (the `mediaFile` part of a `multipart/form-data` body), as a route read it.
public struct AttachmentFile: Sendable, Equatable {
    /// The part's `filename`.
    public var filename: String
    /// The part's `Content-Type`, nil when it had none.
    public var contentType: String?
    /// The bytes.
    public var data: Data

    public init(filename: String, contentType: String?, data: Data) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }
}
