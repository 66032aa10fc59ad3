import AXPSimChat
import AXPSimCore
import Foundation

/// One answer of the emulator, as a test sees it.
public struct TestResponse: Sendable {
    /// The HTTP status.
    public let status: Int
    /// Header fields, names lower-cased.
    public let headers: [String: String]
    /// The raw body.
    public let body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as JSON.
    public func json() throws -> JSONValue {
        try JSONValue.parse(body)
    }

    /// The body as a JSON object (`{}` members by name).
    public func object() throws -> [String: JSONValue] {
        try JSONValue.parseObject(body)
    }

    /// The stable error `code` of a problem answer; nil for an answer that is not a JSON object
    /// with a `code` (a success, an HTML page).
    public var problemCode: String? {
        guard let object = try? object() else { return nil }  // not JSON: no problem code, by definition
        return object["code"]?.stringValue
    }
}
