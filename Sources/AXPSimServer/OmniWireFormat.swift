import AXPSimChat
import AXPSimCore
import Foundation

/// The JSON shapes the Omni SDK reads (docs/omni-protocol.md, OMNI-SDK.md §2–4), built from the
/// chat's answers: sessions with `participantId` and `conversations`, engagements with their
/// `conversationId`, flat messages numbered across the conversation, history with a root-relative
/// `links.next`.
enum OmniWireFormat {
    /// RFC 3986's unreserved characters: what a query value keeps as is.
    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func engagement(_ view: EngagementView) -> JSONValue {
        var object = WireFormat.engagement(view).objectValue
        object["conversationId"] = .optional(view.engagement.conversationId)
        return .object(object)
    }

    static func session(_ view: SessionView) -> JSONValue {
        var object = WireFormat.session(view).objectValue
        object["participantId"] = .optional(view.session.participantId)
        object["conversations"] = .array(view.conversations.map { .object(["conversationId": .string($0.conversationId)]) })
        object["engagements"] = .array(view.engagements.map(engagement))
        return .object(object)
    }

    /// A message, flat (the send answer and history items): `messageIndex` counts across the
    /// conversation; `attachments` are its files with their signed URLs (``AttachmentLinks/json(_:accountId:for:)``).
    static func message(_ m: ChatMessage, conversationId: String?, attachments: JSONValue) -> JSONValue {
        var object = WireFormat.message(m).objectValue
        object["conversationId"] = .optional(conversationId)
        if m.conversationIndex > 0 { object["messageIndex"] = .int(m.conversationIndex) }
        object["body"] = MessageBody(stored: m.body).json(family: .omni)
        object["attachments"] = attachments
        return .object(object)
    }

    /// A page of a conversation's history, newest first by default; `links.next` is a path from
    /// the root (the SDK appends it to its host), or exactly `""` on the last page.
    /// `attachments` holds each message's rendered files, in the page's order.
    static func history(_ page: ConversationPage, path: String, attachments: [JSONValue]) -> JSONValue {
        let request = page.request
        var next = ""
        if page.hasNext {
            var query = ["pageSize=\(request.pageSize)", "pageNumber=\(request.pageNumber + 1)", "orderby=\(request.ascending ? "asc" : "desc")"]
            if let sessionId = request.sessionId {
                query.insert("sessionId=\(sessionId.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? "")", at: 0)
            }
            next = "\(path)?\(query.joined(separator: "&"))"
        }
        return .object([
            "messages": .array(
                zip(page.messages, attachments).map { message($0, conversationId: page.conversationId, attachments: $1) }),
            "pagination": .object([
                "pageNumber": .int(Int64(request.pageNumber)), "pageSize": .int(Int64(request.pageSize)), "total": .int(Int64(page.total)),
                "totalPages": .int(Int64(page.totalPages)),
            ]),
            "links": .object(["next": .string(next)]),
        ])
    }
}

/// The JSON Schemas of the shapes above, for the OpenAPI document.
extension OmniWireFormat {
    static let engagementSchema = JSONSchema.ref(
        "OmniEngagement", WireFormat.engagementObject.adding(["conversationId": JSONSchema.string().nullable], required: ["conversationId"]))

    static let sessionSchema = JSONSchema.ref(
        "OmniSession",
        WireFormat.sessionObject.removing(["engagements"]).adding(
            [
                "participantId": JSONSchema.string().nullable, "conversations": .array(.record(["conversationId": .string()])),
                "engagements": .array(engagementSchema),
            ], required: ["participantId", "conversations", "engagements"]))

    static let attachmentSchema = JSONSchema.ref(
        "Attachment", .record(["attachmentId": .string(), "name": .string(), "size": .integer(), "contentType": .string(), "url": .string()]))

    static let messageSchema = JSONSchema.ref("OmniMessage", messageObject)

    /// The send answer: the flat message and the session that sent it.
    static let sentMessageSchema = JSONSchema.ref("OmniSentMessage", messageObject.adding(["sessionId": .string()], required: ["sessionId"]))

    static let messageObject = JSONSchema.record([
            "messageId": .string(), "conversationId": JSONSchema.string().nullable, "engagementId": .string(), "dialogId": .string(),
            "parentMessageId": JSONSchema.string().nullable, "messageIndex": .integer(), "receivedAt": .timestamp, "lastUpdatedAt": .timestamp,
            "body": WireFormat.messageBodySchema, "senderParticipantId": .string(),
            "participantType": .string(oneOf: ParticipantType.allCases.map(\.rawValue)), "displayName": .string(),
            "attachments": .array(attachmentSchema),
        ])

    static let historySchema = JSONSchema.ref(
        "ConversationHistory",
        .record([
            "messages": .array(messageSchema),
            "pagination": .record(["pageNumber": .integer(), "pageSize": .integer(), "total": .integer(), "totalPages": .integer()]),
            "links": .record(["next": .string().described("The next page as a path from the root, or \"\" on the last page")]),
        ]))
}
