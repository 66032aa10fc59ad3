import AXPSimCore
import Foundation

/// Fuzz target for every reader of a client's JSON body: `JSONValue` parsing, then the validator the
/// first byte picks (the rest of the input is the body). The selector bytes are letters so that seeds
/// stay readable (`t{"integrationId":…}`); any other byte picks a reader by its value.
public enum JSONRequestFuzzTarget {
    /// A reader of a parsed body; returns a summary of what it built, throws its typed error.
    typealias Reader = @Sendable ([String: JSONValue]) throws(AXPSimError) -> String

    /// The selector letter and reader of each validator, in a fixed order.
    static let readers: [(selector: UInt8, name: String, read: Reader)] = [
        (UInt8(ascii: "j"), "JSONValue", { _ throws(AXPSimError) in "JSONValue" }),
        (UInt8(ascii: "t"), "TokenRequest", { object throws(AXPSimError) in "\(try TokenRequest.parse(object).customerId.count)" }),
        (UInt8(ascii: "s"), "CreateSession", { object throws(AXPSimError) in try SDKRequests.createSession(object).clientType }),
        (UInt8(ascii: "e"), "CreateEngagement", { object throws(AXPSimError) in try SDKRequests.createEngagement(object).sessionId }),
        (UInt8(ascii: "d"), "DialogAction", { object throws(AXPSimError) in try SDKRequests.dialogAction(object).sessionId }),
        (UInt8(ascii: "m"), "SendMessage", { object throws(AXPSimError) in try SDKRequests.sendMessage(object, maxTextLength: 4096).text }),
        (UInt8(ascii: "q"), "MessagePage", { object throws(AXPSimError) in
            "\(try SDKRequests.messagePage(object.compactMapValues(\.stringValue)).pageSize)"
        }),
        (UInt8(ascii: "a"), "Account", { object throws(AXPSimError) in try ProvisioningRequests.account(object).accountId }),
        (UInt8(ascii: "A"), "AccountPatch", { object throws(AXPSimError) in
            try ProvisioningRequests.accountPatch(object, current: Account(accountId: "FUZZAA", name: "fuzz")).name
        }),
        (UInt8(ascii: "c"), "APIClient", { object throws(AXPSimError) in try ProvisioningRequests.client(object, accountId: "FUZZAA").clientId }),
        (UInt8(ascii: "k"), "AppKey", { object throws(AXPSimError) in try ProvisioningRequests.appKey(object, accountId: "FUZZAA").appKey }),
        (UInt8(ascii: "i"), "Integration", { object throws(AXPSimError) in
            try ProvisioningRequests.integration(object, accountId: "FUZZAA").name
        }),
        (UInt8(ascii: "I"), "IntegrationPatch", { object throws(AXPSimError) in
            try ProvisioningRequests.integration(object, accountId: "FUZZAA", current: integration).name
        }),
        (UInt8(ascii: "u"), "GenerateUploadUrl", { object throws(AXPSimError) in
            try OmniRequests.generateUploadUrl(object, maxBytes: AttachmentPolicy.defaultMaxBytes).contentType
        }),
        (UInt8(ascii: "f"), "Fault", { object throws(AXPSimError) in
            var violations: [Violation] = []
            guard Fault.parse(.object(object), field: "rule", into: &violations) != nil else { throw .constraintViolation(violations) }
            return "Fault"
        }),
        (UInt8(ascii: "o"), "OmniSendMessage", { object throws(AXPSimError) in
            let sent = try OmniRequests.sendMessage(object, maxTextLength: 4096)
            // What is stored must read back as the same body (MessageBody's stored form).
            let body = MessageBody(stored: sent.body)
            guard MessageBody(stored: body.stored) == body, body.text == sent.text else {
                throw .internalError("the stored body does not read back: \(sent.body)")
            }
            return body.summary
        }),
        (UInt8(ascii: "g"), "AgentMessage", { object throws(AXPSimError) in
            let body = try ControlRequests.participantMessage(object).body
            guard MessageBody(stored: body.stored) == body else { throw .internalError("the stored body does not read back: \(body.stored)") }
            return body.summary
        }),
    ]

    /// The integration a PATCH applies to.
    static let integration = Integration(integrationId: "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01", accountId: "FUZZAA", name: "support")

    /// Equal, counting a number equal to another of the same value whatever its Swift case.
    static func sameValue(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.int(let i), .double(let d)), (.double(let d), .int(let i)): return Double(i) == d
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { sameValue($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { sameValue(value, $0) } ?? false }
        default: return a == b
        }
    }

    /// Runs one input: byte 0 picks the reader, the rest is the body.
    public static func run(_ input: Data) -> FuzzOutcome {
        guard let selector = input.first else { return .rejected("empty input") }
        let reader = readers.first { $0.selector == selector } ?? readers[Int(selector) % readers.count]
        let body = input.dropFirst()
        // The byte reader must give exactly JSONDecoder's value whenever it takes a document.
        if let fast = JSONReader.value(Array(body)) {
            let decoded: JSONValue?
            do { decoded = try JSONDecoder().decode(JSONValue.self, from: Data(body)) } catch { decoded = nil }
            if decoded != fast { return .invariantBroken("JSONReader read \(fast), JSONDecoder \(decoded.map { "\($0)" } ?? "an error")") }
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Data(body))
        } catch {
            return .rejected(error.code)
        }
        // What the emulator parses it writes back the same way (echoed fields, stored JSON columns).
        // A number keeps its value; an integral double past 2^53 may come back as an integer
        // (JSON has one number type and the encoder writes such doubles without a fraction).
        let reparsed = JSONValue.stored(String(decoding: value.jsonData, as: UTF8.self))
        if !Self.sameValue(reparsed, value) { return .invariantBroken("JSONValue does not read back what it writes: \(value) → \(reparsed)") }
        guard case .object(let object) = value else {
            return reader.name == "JSONValue" ? .accepted(value.typeName) : .rejected("malformed_json")
        }
        do {
            _ = try reader.read(object)
            return .accepted(reader.name)
        } catch {
            if case .constraintViolation(let violations) = error, violations.isEmpty {
                return .invariantBroken("\(reader.name) threw a constraint violation without violations")
            }
            return .rejected("\(reader.name): \(error.code)")
        }
    }
}
