import Foundation

/// A message of an engagement, in its gap-free per-engagement order (`messageIndex`).
public struct ChatMessage: Sendable, Equatable, Codable {
    public var messageId: String
    public var engagementId: String
    public var dialogId: String
    public var messageIndex: Int64
    public var parentMessageId: String?
    public var participantId: String
    public var participantType: ParticipantType
    public var displayName: String
    /// The body as sent (`{"elementType":"TEXT","elementText":{…}}`); ``messageBody`` reads it.
    public var body: JSONValue
    public var receivedAt: Date
    /// The session that sent it (customer messages only).
    public var senderSessionId: String?
    /// Files sent with it.
    public var attachments: [MessageAttachment]
    /// Its place in the customer's conversation (across chats; 0 for messages stored before
    /// conversations): the Omni SDK's `messageIndex`.
    public var conversationIndex: Int64

    public init(
        messageId: String, engagementId: String, dialogId: String, messageIndex: Int64, parentMessageId: String?, participantId: String,
        participantType: ParticipantType, displayName: String, body: JSONValue, receivedAt: Date, senderSessionId: String?,
        attachments: [MessageAttachment] = [], conversationIndex: Int64 = 0
    ) {
        self.attachments = attachments
        self.conversationIndex = conversationIndex
        self.messageId = messageId
        self.engagementId = engagementId
        self.dialogId = dialogId
        self.messageIndex = messageIndex
        self.parentMessageId = parentMessageId
        self.participantId = participantId
        self.participantType = participantType
        self.displayName = displayName
        self.body = body
        self.receivedAt = receivedAt
        self.senderSessionId = senderSessionId
    }

    /// The element text of the body (of any kind: a caption, a prompt), or nil when it has none.
    public var text: String? { Self.text(of: body) }

    /// The body as a model (``MessageBody/init(stored:)``: never fails, reads legacy `TEXT` rows).
    public var messageBody: MessageBody { MessageBody(stored: body) }

    /// The element text of a stored body (of any kind), or nil when it has no `elementText.text`.
    public static func text(of body: JSONValue) -> String? {
        body.objectValue["elementText"]?.objectValue["text"]?.stringValue
    }

    /// A plain-text TEXT body, as the Chat SDK reads it (``MessageBody/json(family:)`` of a text body).
    public static func textBody(_ text: String) -> JSONValue {
        MessageBody.text(text).json(family: .chat)
    }
}
