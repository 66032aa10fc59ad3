import Foundation

/// Validated bodies of the Chat SDK API (SPEC section 3). Unknown fields are tolerated, as the
/// platform's SDK API is lenient toward newer clients; malformed known fields are violations.
public enum SDKRequests {
    /// `POST …/sessions`.
    public struct CreateSession: Sendable, Equatable {
        public var displayName: String?
        public var clientType: String
        public var sessionParameters: [String: String]

        public init(displayName: String?, clientType: String, sessionParameters: [String: String]) {
            self.displayName = displayName
            self.clientType = clientType
            self.sessionParameters = sessionParameters
        }
    }

    /// Validates the body, reporting every violation at once (400 `constraint_violation`).
    public static func createSession(_ object: [String: JSONValue]) throws(AXPSimError) -> CreateSession {
        var reader = FieldReader(object)
        let displayName = reader.string("displayName", length: 0...70)
        let clientType = reader.string("clientType", length: 1...32) ?? "web"
        let parameters = reader.stringMap("sessionParameters", maxKeys: 20) ?? [:]
        try reader.check()
        return CreateSession(displayName: displayName, clientType: clientType, sessionParameters: parameters)
    }

    /// `POST …/engagements`.
    public struct CreateEngagement: Sendable, Equatable {
        public var sessionId: String
        public var engagementParameters: [String: String]

        public init(sessionId: String, engagementParameters: [String: String]) {
            self.sessionId = sessionId
            self.engagementParameters = engagementParameters
        }
    }

    /// Validates the body, reporting every violation at once (400 `constraint_violation`).
    public static func createEngagement(_ object: [String: JSONValue]) throws(AXPSimError) -> CreateEngagement {
        var reader = FieldReader(object)
        let sessionId = reader.string("sessionId", required: true, length: 1...128)
        let parameters = reader.stringMap("engagementParameters", maxKeys: 50) ?? [:]
        try reader.check()
        guard let sessionId else { throw .constraintViolation(reader.violations) }
        return CreateEngagement(sessionId: sessionId, engagementParameters: parameters)
    }

    /// `:join` and `:disconnect`.
    public struct DialogAction: Sendable, Equatable {
        public var sessionId: String
        public var dialogId: String?
        public var reason: String?

        public init(sessionId: String, dialogId: String?, reason: String?) {
            self.sessionId = sessionId
            self.dialogId = dialogId
            self.reason = reason
        }
    }

    /// Validates the body, reporting every violation at once (400 `constraint_violation`).
    public static func dialogAction(_ object: [String: JSONValue]) throws(AXPSimError) -> DialogAction {
        var reader = FieldReader(object)
        let sessionId = reader.string("sessionId", required: true, length: 1...128)
        let dialogId = reader.string("dialogId", length: 1...128)
        let reason = reader.string("reason", length: 0...256)
        try reader.check()
        guard let sessionId else { throw .constraintViolation(reader.violations) }
        return DialogAction(sessionId: sessionId, dialogId: dialogId, reason: reason)
    }

    /// `POST …/engagements/{id}/messages`.
    public struct SendMessage: Sendable, Equatable {
        public var sessionId: String
        public var dialogId: String?
        public var parentMessageId: String?
        /// The normalised body as the Chat SDK reads it (`elementType` `TEXT`, `elementText{text,textFormat}`).
        public var body: JSONValue
        public var text: String

        /// The body as a model.
        public var messageBody: MessageBody { MessageBody(stored: body) }

        public init(sessionId: String, dialogId: String?, parentMessageId: String?, body: JSONValue, text: String) {
            self.sessionId = sessionId
            self.dialogId = dialogId
            self.parentMessageId = parentMessageId
            self.body = body
            self.text = text
        }
    }

    /// Text formats of a TEXT element.
    public static let textFormats = MessageBody.TextFormat.allCases.map(\.rawValue)

    /// Validates the body, reporting every violation at once (400 `constraint_violation`). The
    /// message body is read by ``MessageBody/customer(chatSDK:maxTextLength:field:)``'s rules.
    public static func sendMessage(_ object: [String: JSONValue], maxTextLength: Int) throws(AXPSimError) -> SendMessage {
        var reader = FieldReader(object)
        let sessionId = reader.string("sessionId", required: true, length: 1...128)
        let dialogId = reader.string("dialogId", length: 1...128)
        let parent = reader.string("parentMessageId", length: 1...128)
        let body = reader.messageBody("body", required: true, from: .chatSDKCustomer, maxTextLength: maxTextLength)
        try reader.check()
        guard let sessionId, let body else { throw .constraintViolation(reader.violations) }
        return SendMessage(sessionId: sessionId, dialogId: dialogId, parentMessageId: parent, body: body.json(family: .chat), text: body.text)
    }

    /// Query of `GET …/messages`.
    public struct MessagePage: Sendable, Equatable {
        public var sessionId: String?
        public var dialogId: String?
        public var pageSize: Int
        public var pageNumber: Int
        public var ascending: Bool
    }

    /// The query parameters of `GET …/messages`, as read and as documented.
    public static let messagePageQuery = [
        QueryParameter.text("sessionId", "The session asking (checked against the caller's customer)"),
        QueryParameter.text("dialogId", "The engagement's dialog"),
        QueryParameter.integer("pageSize", default: 10, range: 1...100, "Messages per page"),
        QueryParameter.integer("pageNumber", default: 1, range: 1...1_000_000, "Page number, from 1"),
        QueryParameter.text("orderBy", oneOf: ["ASC", "DSC", "DESC"], "Oldest first (ASC) or newest first (DSC, the default); any case"),
    ]

    /// Validates the query, reporting every violation at once (400 `constraint_violation`).
    public static func messagePage(_ query: [String: String]) throws(AXPSimError) -> MessagePage {
        var violations: [Violation] = []
        let parameters = messagePageQuery
        let sessionId = parameters[0].text(in: query, into: &violations)
        let dialogId = parameters[1].text(in: query, into: &violations)
        let pageSize = parameters[2].int(in: query, into: &violations)
        let pageNumber = parameters[3].int(in: query, into: &violations)
        let order = parameters[4].text(in: query, into: &violations) ?? "DSC"
        if !violations.isEmpty { throw .constraintViolation(violations) }
        return MessagePage(sessionId: sessionId, dialogId: dialogId, pageSize: pageSize, pageNumber: pageNumber, ascending: order == "ASC")
    }
}
