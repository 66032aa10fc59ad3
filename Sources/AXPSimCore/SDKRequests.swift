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
        /// The normalised body (`elementType`, `elementText{text,textFormat}`).
        public var body: JSONValue
        public var text: String

        public init(sessionId: String, dialogId: String?, parentMessageId: String?, body: JSONValue, text: String) {
            self.sessionId = sessionId
            self.dialogId = dialogId
            self.parentMessageId = parentMessageId
            self.body = body
            self.text = text
        }
    }

    /// Text formats of a TEXT element.
    public static let textFormats: Set<String> = ["PLAINTEXT", "HTML", "MARKDOWN"]

    public static func sendMessage(_ object: [String: JSONValue], maxTextLength: Int) throws(AXPSimError) -> SendMessage {
        var reader = FieldReader(object)
        let sessionId = reader.string("sessionId", required: true, length: 1...128)
        let dialogId = reader.string("dialogId", length: 1...128)
        let parent = reader.string("parentMessageId", length: 1...128)
        var text: String?
        var format = "PLAINTEXT"
        switch object["body"] {
        case nil, .null?:
            reader.fail("body", "must not be null", .missingValue)
        case .object(let body)?:
            var bodyReader = FieldReader(body)
            let elementType = bodyReader.string("elementType", required: true)
            if let elementType, elementType != "TEXT" {
                reader.fail("body.elementType", "must be TEXT", .invalidValue)
            }
            switch body["elementText"] {
            case .object(let element)?:
                var elementReader = FieldReader(element)
                text = elementReader.string("text", required: true, length: 1...maxTextLength)
                if let given = elementReader.string("textFormat") {
                    if textFormats.contains(given) { format = given } else {
                        elementReader.fail("textFormat", "must be one of PLAINTEXT, HTML, MARKDOWN", .invalidValue)
                    }
                }
                for violation in elementReader.violations {
                    reader.fail("body.elementText.\(violation.field)", violation.message, ViolationCode(rawValue: violation.code) ?? .invalidValue)
                }
            case nil, .null?:
                reader.fail("body.elementText", "must not be null", .missingValue)
            case let other?:
                reader.fail("body.elementText", "must be an object, not \(other.typeName)", .invalidType)
            }
            for violation in bodyReader.violations {
                reader.fail("body.\(violation.field)", violation.message, ViolationCode(rawValue: violation.code) ?? .invalidValue)
            }
        case let other?:
            reader.fail("body", "must be an object, not \(other.typeName)", .invalidType)
        }
        try reader.check()
        guard let sessionId, let text else { throw .constraintViolation(reader.violations) }
        let body = JSONValue.object([
            "elementType": .string("TEXT"), "elementText": .object(["text": .string(text), "textFormat": .string(format)]),
        ])
        return SendMessage(sessionId: sessionId, dialogId: dialogId, parentMessageId: parent, body: body, text: text)
    }

    /// Query of `GET …/messages`.
    public struct MessagePage: Sendable, Equatable {
        public var sessionId: String?
        public var dialogId: String?
        public var pageSize: Int
        public var pageNumber: Int
        public var ascending: Bool
    }

    public static func messagePage(_ query: [String: String]) throws(AXPSimError) -> MessagePage {
        var violations: [Violation] = []
        func int(_ name: String, default value: Int, range: ClosedRange<Int>) -> Int {
            guard let text = query[name], !text.isEmpty else { return value }
            guard let number = Int(text), range.contains(number) else {
                violations.append(
                    Violation(field: name, message: "must be an integer between \(range.lowerBound) and \(range.upperBound)", code: .numberOutOfRange))
                return value
            }
            return number
        }
        let pageSize = int("pageSize", default: 10, range: 1...100)
        let pageNumber = int("pageNumber", default: 1, range: 1...1_000_000)
        let order = (query["orderBy"] ?? "DSC").uppercased()
        if !["ASC", "DSC", "DESC"].contains(order) {
            violations.append(Violation(field: "orderBy", message: "must be ASC or DSC", code: .invalidValue))
        }
        if !violations.isEmpty { throw .constraintViolation(violations) }
        return MessagePage(
            sessionId: query["sessionId"], dialogId: query["dialogId"], pageSize: pageSize, pageNumber: pageNumber, ascending: order == "ASC")
    }
}
