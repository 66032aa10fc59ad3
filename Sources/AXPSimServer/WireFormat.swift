import AXPSimChat
import AXPSimCore
import Foundation

/// The JSON shapes the Chat SDK reads (docs/sdk-protocol.md), built from the chat's answers.
enum WireFormat {
    static func participant(_ p: Participant) -> JSONValue {
        EventFields.participant(p)
    }

    static func engagement(_ view: EngagementView) -> JSONValue {
        let e = view.engagement
        return .object([
            "engagementId": .string(e.engagementId), "integrationId": .string(e.integrationId), "createdAt": .date(e.createdAt),
            "lastUpdatedAt": .date(e.updatedAt), "engagementParameters": .strings(e.engagementParameters),
            "status": .string(e.status.rawValue), "endReason": .optional(e.endReason),
            "dialogs": .array([
                .object([
                    "dialogId": .string(e.dialogId), "dialogStatus": .string(e.status.rawValue), "createdAt": .date(e.createdAt),
                    "lastUpdatedAt": .date(e.updatedAt),
                    "participants": .array(view.participants.filter(\.isPresent).map(participant)),
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
            "lastUpdatedAt": .date(m.receivedAt), "body": MessageBody(stored: m.body).json(family: .chat),
            "senderParticipantId": .string(m.participantId),
            "participantType": .string(m.participantType.rawValue), "displayName": .string(m.displayName),
        ])
    }

    static func session(_ view: SessionView) -> JSONValue {
        session(view.session, engagements: view.engagements.map(engagement))
    }

    private static func session(_ s: ChatSession, engagements: [JSONValue]) -> JSONValue {
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

    /// A page of messages with `pagination` and `links.next`: the absolute URL of the next page
    /// (`baseURL` with the same query, one page on), or exactly `""` on the last page (what the
    /// SDK's page iterator expects).
    static func messagePage(_ page: MessagePage, baseURL: String) -> JSONValue {
        let request = page.request
        var next = ""
        if page.hasNext {
            var query = ["pageSize=\(request.pageSize)", "pageNumber=\(request.pageNumber + 1)", "orderBy=\(request.ascending ? "ASC" : "DSC")"]
            if let sessionId = request.sessionId {
                query.append("sessionId=\(sessionId.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
            }
            query.append("dialogId=\(page.dialogId)")
            next = "\(baseURL)?\(query.joined(separator: "&"))"
        }
        return .object([
            "messages": .array(page.messages.map(message)),
            "pagination": .object([
                "pageNumber": .int(Int64(request.pageNumber)), "pageSize": .int(Int64(request.pageSize)), "total": .int(Int64(page.total)),
                "totalPages": .int(Int64(page.totalPages)),
            ]),
            "links": .object(["next": .string(next)]),
        ])
    }

    /// A journal entry: `{id, accountId, sessionId, eventId, eventType, engagementId, createdAt, event}`;
    /// `sessionId` and `eventId` are null for an event no session's log carries (a chat's ROUTED).
    static func journalEntry(_ e: SessionEvent) -> JSONValue {
        .object([
            "id": .int(e.journalId), "accountId": .string(e.accountId), "sessionId": e.isJournalOnly ? .null : .string(e.sessionId),
            "eventId": e.isJournalOnly ? .null : .string(e.eventId), "eventType": .string(e.eventType.rawValue), "engagementId": .optional(e.engagementId),
            "createdAt": .date(e.createdAt), "event": e.wire,
        ])
    }
}

/// The JSON Schemas of the shapes above, one per shape, for the OpenAPI document.
extension WireFormat {
    static let participantObject = JSONSchema.record([
        "participantId": .string(), "participantType": .string(oneOf: ParticipantType.allCases.map(\.rawValue)), "displayName": .string(),
    ])
    static let participantSchema = JSONSchema.ref("Participant", participantObject)

    static let dialogStatusSchema = JSONSchema.string(oneOf: DialogStatus.allCases.map(\.rawValue))

    static let engagementObject = JSONSchema.record([
        "engagementId": .string(), "integrationId": .string(), "createdAt": .timestamp, "lastUpdatedAt": .timestamp,
        "engagementParameters": .map(.string()), "status": dialogStatusSchema, "endReason": JSONSchema.string().nullable,
        "dialogs": .array(
            .record([
                "dialogId": .string(), "dialogStatus": dialogStatusSchema, "createdAt": .timestamp, "lastUpdatedAt": .timestamp,
                "participants": .array(participantSchema),
            ]), count: 1...1),
    ])
    static let engagementSchema = JSONSchema.ref("Engagement", engagementObject)

    /// A message body: a TEXT element from the Chat SDK, or a richer element from the control plane.
    static let messageBodySchema = JSONSchema.ref(
        "MessageBody",
        .object(
            [
                "elementType": .string(),
                "elementText": .object(["text": .string(), "textFormat": .string(oneOf: SDKRequests.textFormats)], required: ["text"], closed: false),
            ], required: ["elementType"], closed: false))

    static let messageSchema = JSONSchema.ref(
        "Message",
        .record([
            "messageId": .string(), "engagementId": .string(), "dialogId": .string(), "parentMessageId": JSONSchema.string().nullable,
            "messageIndex": .integer(), "receivedAt": .timestamp, "lastUpdatedAt": .timestamp, "body": messageBodySchema,
            "senderParticipantId": .string(), "participantType": .string(oneOf: ParticipantType.allCases.map(\.rawValue)), "displayName": .string(),
        ]))

    /// The JSON shape of ``messagePage(_:baseURL:)``.
    static let messagePageSchema = JSONSchema.ref(
        "MessagePage",
        .record([
            "messages": .array(messageSchema),
            "pagination": .record(["pageNumber": .integer(), "pageSize": .integer(), "total": .integer(), "totalPages": .integer()]),
            "links": .record(["next": .string().described("The absolute URL of the next page, or \"\" on the last page")]),
        ]))

    static let sessionObject = JSONSchema.record([
        "sessionId": .string(), "displayName": JSONSchema.string().nullable, "sessionParameters": .map(.string()), "clientType": .string(),
        "integrationId": .string(), "createdAt": .timestamp, "state": .string(oneOf: SessionState.allCases.map(\.rawValue)), "engagements": .array(engagementSchema),
    ])
    static let sessionSchema = JSONSchema.ref("Session", sessionObject)

    static let inspectedSessionSchema = JSONSchema.ref(
        "InspectedSession",
        sessionObject.removing(["engagements"]).adding(
            [
                "accountId": .string(), "customerId": .string(), "tokenJti": .string(), "tokenExpiresAt": .timestamp,
                "lastEventId": .string(pattern: "^[0-9]+$"), "closedAt": JSONSchema.timestamp.nullable, "closeReason": JSONSchema.string().nullable,
            ], required: ["accountId", "customerId", "tokenJti", "tokenExpiresAt", "lastEventId", "closedAt", "closeReason"]))

    static let journalEntrySchema = JSONSchema.ref(
        "JournalEvent",
        .record([
            "id": .integer(), "accountId": .string(), "sessionId": JSONSchema.string().nullable, "eventId": JSONSchema.string().nullable,
            "eventType": .string(), "engagementId": JSONSchema.string().nullable, "createdAt": .timestamp,
            "event": .object(["eventType": .string(oneOf: EventType.allCases.map(\.rawValue))], required: ["eventType"], closed: false),
        ]))
}
