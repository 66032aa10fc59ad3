import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import Foundation
import Logging
import AXPSimStore

/// Builders for JSON and problem+json responses.
enum JSONResponses {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A JSON response of a JSON value.
    static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        .json(status, value.jsonData)
    }

    /// A JSON response of an Encodable value.
    static func json(_ status: Int, _ value: some Encodable) -> HTTPResponse {
        do {
            return .json(status, try encoder.encode(value))
        } catch {
            return problem(.internalError("cannot encode the response: \(error)"))
        }
    }

    /// The RFC 7807 problem of an error (SPEC section 9).
    static func problem(_ error: AXPSimError) -> HTTPResponse {
        var body: [String: JSONValue] = [
            "type": .string(error.typeURI), "title": .string(error.title), "status": .int(Int64(error.status)), "detail": .string(error.detail),
            "code": .string(error.code),
        ]
        if let violations = error.violations {
            body["violations"] = .array(
                violations.map { .object(["field": .string($0.field), "message": .string($0.message), "code": .int(Int64($0.code))]) })
        }
        var response = json(error.status, JSONValue.object(body))
        response.setHeader("Content-Type", "application/problem+json")
        response.setHeader("X-AXPSim-Error-Code", error.code)
        if case .methodNotAllowed(let allowed) = error { response.setHeader("Allow", allowed.joined(separator: ", ")) }
        if error.status == 401 { response.setHeader("WWW-Authenticate", "Bearer") }
        return response
    }

    /// The JSON shape of ``problem(_:)``.
    static let problemSchema = JSONSchema.object(
        [
            "type": .string(format: "uri"), "title": .string(), "status": .integer(100...599), "detail": .string(),
            "code": .string(pattern: "^[a-z0-9_]+$"),
            "violations": .array(.record(["field": .string(), "message": .string(), "code": .integer(20000...29999)])),
        ], required: ["type", "title", "status", "detail", "code"])

    /// The JSON shape of ``oauthError(_:_:_:)``.
    static let oauthErrorSchema = JSONSchema.record(["error": .string(pattern: "^[a-z_]+$"), "error_description": .string()])

    /// An OAuth 2 error (`{"error","error_description"}`), as Keycloak answers.
    static func oauthError(_ status: Int, _ error: String, _ description: String) -> HTTPResponse {
        var response = json(status, JSONValue.object(["error": .string(error), "error_description": .string(description)]))
        response.setHeader("Cache-Control", "no-store")
        return response
    }
}

extension HTTPRequest {
    /// The body as a JSON object; checks the content type first.
    func jsonObject() throws(AXPSimError) -> [String: JSONValue] {
        guard mediaType == "application/json" || mediaType?.hasSuffix("+json") == true else {
            throw .unsupportedMediaType(expected: "application/json")
        }
        return try JSONValue.parseObject(body)
    }

    /// The body as a JSON object, or an empty object when there is no body.
    func optionalJSONObject() throws(AXPSimError) -> [String: JSONValue] {
        if body.isEmpty { return [:] }
        return try jsonObject()
    }

    /// A path parameter the router guarantees.
    func parameter(_ name: String) -> String {
        pathParameters[name] ?? ""
    }
}
