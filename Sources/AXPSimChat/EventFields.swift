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
    /// conversation (its history pages span chats).
    static func eventMessage(_ m: ChatMessage, family: ClientFamily = .chat) -> JSONValue {
        let index = family == .omni && m.conversationIndex > 0 ? m.conversationIndex : m.messageIndex
        return .object([
            "messageId": .string(m.messageId), "parentMessageId": .optional(m.parentMessageId), "messageIndex": .int(index),
            "receivedAt": .date(m.receivedAt), "lastUpdatedAt": .date(m.receivedAt), "body": MessageBody(stored: m.body).json(family: family),
        ])
    }
}
