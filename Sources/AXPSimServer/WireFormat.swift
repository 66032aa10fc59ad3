import AXPSimCore
import Foundation

/// The JSON shapes the Chat SDK reads (docs/sdk-protocol.md), built from domain values.
enum WireFormat {
    static func participant(_ p: Participant) -> JSONValue {
        .object([
            "participantId": .string(p.participantId), "participantType": .string(p.participantType.rawValue),
            "displayName": .string(p.displayName),
        ])
    }

    static func engagement(_ e: Engagement, participants: [Participant]) -> JSONValue {
        .object([
            "engagementId": .string(e.engagementId), "integrationId": .string(e.integrationId), "createdAt": .date(e.createdAt),
            "lastUpdatedAt": .date(e.updatedAt), "engagementParameters": .strings(e.engagementParameters),
            "status": .string(e.status.rawValue), "endReason": .optional(e.endReason),
            "dialogs": .array([
                .object([
                    "dialogId": .string(e.dialogId), "dialogStatus": .string(e.status.rawValue), "createdAt": .date(e.createdAt),
                    "lastUpdatedAt": .date(e.updatedAt),
                    "participants": .array(participants.filter(\.isPresent).map(participant)),
                ])
            ]),
        ])
    }

    /// A message in the send answer and the history list: the sender is flat
    /// (`senderParticipantId`, `participantType`, `displayName`), as the SDK reads it.
    static func message(_ m: ChatMessage) -> JSONValue {
        .object([
            "messageId": .string(m.messageId), "engagementId": .string(m.engagementId), "dialogId": .string(m.dialogId),
            "parentMessageId": .optional(m.parentMessageId), "messageIndex": .int(m.messageIndex), "receivedAt": .date(m.receivedAt),
            "lastUpdatedAt": .date(m.receivedAt), "body": m.body, "senderParticipantId": .string(m.participantId),
            "participantType": .string(m.participantType.rawValue), "displayName": .string(m.displayName),
        ])
    }

    /// The `participant` of a MESSAGE event: the message's sender.
    static func sender(_ m: ChatMessage) -> JSONValue {
        .object([
            "participantId": .string(m.participantId), "participantType": .string(m.participantType.rawValue),
            "displayName": .string(m.displayName),
        ])
    }

    /// The `message` object inside a MESSAGE event.
    static func eventMessage(_ m: ChatMessage) -> JSONValue {
        .object([
            "messageId": .string(m.messageId), "parentMessageId": .optional(m.parentMessageId), "messageIndex": .int(m.messageIndex),
            "receivedAt": .date(m.receivedAt), "lastUpdatedAt": .date(m.receivedAt), "body": m.body,
        ])
    }

    static func session(_ s: ChatSession, engagements: [JSONValue]) -> JSONValue {
        .object([
            "sessionId": .string(s.sessionId), "displayName": .optional(s.displayName), "sessionParameters": .strings(s.sessionParameters),
            "clientType": .string(s.clientType), "integrationId": .string(s.integrationId), "createdAt": .date(s.createdAt),
            "state": .string(s.state.rawValue), "engagements": .array(engagements),
        ])
    }

    /// A session as the control plane shows it (with its customer and token).
    static func inspectedSession(_ s: ChatSession) -> JSONValue {
        var object = session(s, engagements: []).objectValue
        object["engagements"] = nil
        object["accountId"] = .string(s.accountId)
        object["customerId"] = .string(s.customerId)
        object["tokenJti"] = .string(s.tokenJti)
        object["tokenExpiresAt"] = .date(s.tokenExpiresAt)
        object["lastEventId"] = .string(String(s.lastEventSeq))
        object["closedAt"] = s.closedAt.map(JSONValue.date) ?? .null
        object["closeReason"] = .optional(s.closeReason)
        return .object(object)
    }

    /// A journal entry: `{id, accountId, sessionId, createdAt, event}`.
    static func journalEntry(_ e: SessionEvent) -> JSONValue {
        .object([
            "id": .int(e.journalId), "accountId": .string(e.accountId), "sessionId": .string(e.sessionId), "eventId": .string(e.eventId),
            "eventType": .string(e.eventType.rawValue), "engagementId": .optional(e.engagementId), "createdAt": .date(e.createdAt),
            "event": e.wire,
        ])
    }
}
