import AXPSimCore

/// The shapes inside stored events (the platform's event record, docs/sdk-protocol.md): the
/// Chat SDK reads them as they are stored; other adapters translate from them.
package enum EventFields {
    /// A participant as events name it.
    package static func participant(_ p: Participant) -> JSONValue {
        .object([
            "participantId": .string(p.participantId), "participantType": .string(p.participantType.rawValue),
            "displayName": .string(p.displayName),
        ])
    }

    /// The `participant` of a MESSAGE event: the message's sender.
    package static func sender(_ m: ChatMessage) -> JSONValue {
        .object([
            "participantId": .string(m.participantId), "participantType": .string(m.participantType.rawValue),
            "displayName": .string(m.displayName),
        ])
    }

    /// The `message` object inside a MESSAGE event. The Omni SDK numbers messages across its
    /// conversation (its history pages span chats) and always reads `attachments`; the Chat SDK's
    /// copy has them only when there are some. The stored event keeps each attachment's metadata;
    /// its `url` is written by the server when it delivers the event (``attachmentsField``).
    static func eventMessage(_ m: ChatMessage, family: ClientFamily = .chat) -> JSONValue {
        let index = family == .omni && m.conversationIndex > 0 ? m.conversationIndex : m.messageIndex
        var object: [String: JSONValue] = [
            "messageId": .string(m.messageId), "parentMessageId": .optional(m.parentMessageId), "messageIndex": .int(index),
            "receivedAt": .date(m.receivedAt), "lastUpdatedAt": .date(m.receivedAt), "body": MessageBody(stored: m.body).json(family: family),
        ]
        if family == .omni || !m.attachments.isEmpty { object[attachmentsField] = .array(m.attachments.map(attachment)) }
        return .object(object)
    }

    /// The field of a message (event or flat) listing its attachments.
    package static let attachmentsField = "attachments"

    /// An attachment's metadata as messages carry it: `{attachmentId, name, size, contentType}`.
    package static func attachment(_ a: MessageAttachment) -> JSONValue {
        .object([
            "attachmentId": .string(a.attachmentId), "name": .string(a.name), "size": .int(a.size), "contentType": .string(a.contentType),
        ])
    }
}
