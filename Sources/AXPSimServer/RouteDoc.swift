import AXPSimChat
import AXPSimCore
import Foundation

/// What the OpenAPI document says of a route beyond its method, path, group and summary: the
/// request body (recorded from the route's validator), query parameters, the success answer's
/// status, content type and schema (written next to the code that encodes it), other answers,
/// and links to the operations that use the ids it returns.
///
/// Registration reads as a sentence: `.json(201, WireFormat.sessionSchema).body(SDKRequests.createSession)`.
struct RouteDoc: Sendable {
    /// A request body.
    enum Body: Sendable {
        /// A JSON object; `required` false when an empty body is accepted.
        case json(JSONSchema, required: Bool)
        /// An `application/x-www-form-urlencoded` form.
        case form(JSONSchema)
        /// A `multipart/form-data` body (uploads); file parts are strings of format `binary`.
        case multipart(JSONSchema)
    }

    /// An OpenAPI link from this route's success answer to another operation.
    struct Link: Sendable {
        let name: String
        let method: String
        let pattern: String
        /// Target parameter → runtime expression. Path parameters of the same name as this
        /// route's are passed on (`$request.path.X`) without being listed.
        let parameters: [String: String]
        /// A request body with runtime expressions in it, merged into generated bodies.
        let body: JSONValue?
    }

    var body: Body?
    var status: Int
    var contentType: String
    /// The success answer's schema; nil for an answer without a body.
    var response: JSONSchema?
    var query: [QueryParameter] = []
    var links: [Link] = []
    /// Other documented answers with a body of the success content type (status → schema).
    var otherAnswers: [Int: (description: String, schema: JSONSchema)] = [:]
    /// True for a route whose URL carries its own credential (`expires` and `signature`, see
    /// ``AttachmentLinks``) instead of its group's.
    var isSignedURL = false

    /// A JSON answer.
    static func json(_ status: Int = 200, _ schema: JSONSchema) -> RouteDoc {
        RouteDoc(body: nil, status: status, contentType: "application/json", response: schema)
    }

    /// An answer of another content type (the dashboard's HTML).
    static func content(_ type: String, _ schema: JSONSchema) -> RouteDoc {
        RouteDoc(body: nil, status: 200, contentType: type, response: schema)
    }

    /// `303 See Other` to another page (the console's login and logout), no body.
    static let seeOther = RouteDoc(body: nil, status: 303, contentType: "text/html", response: nil)

    /// `204 No Content`.
    static let noContent = RouteDoc(body: nil, status: 204, contentType: "application/json", response: nil)

    /// A required JSON body, its schema recorded from `validate` (see ``FieldReader/schema(of:)``).
    func body<T>(_ validate: ([String: JSONValue]) throws -> T) -> RouteDoc {
        body(FieldReader.schema(of: validate), required: true)
    }

    /// A JSON body that may be left empty, its schema recorded from `validate`.
    func optionalBody<T>(_ validate: ([String: JSONValue]) throws -> T) -> RouteDoc {
        body(FieldReader.schema(of: validate), required: false)
    }

    /// A JSON body of a given schema (for bodies not read by a ``FieldReader``).
    func body(_ schema: JSONSchema, required: Bool) -> RouteDoc {
        var copy = self
        copy.body = .json(schema, required: required)
        return copy
    }

    /// A form body.
    func form(_ schema: JSONSchema) -> RouteDoc {
        var copy = self
        copy.body = .form(schema)
        return copy
    }

    /// A `multipart/form-data` body.
    func multipartBody(_ schema: JSONSchema) -> RouteDoc {
        var copy = self
        copy.body = .multipart(schema)
        return copy
    }

    /// The URL is the credential (a signed URL): no Authorization or app key.
    func signedURL() -> RouteDoc {
        var copy = self
        copy.isSignedURL = true
        return copy
    }

    /// Query parameters.
    func query(_ parameters: [QueryParameter]) -> RouteDoc {
        var copy = self
        copy.query += parameters
        return copy
    }

    /// Another answer of the same content type.
    func also(_ status: Int, _ description: String, _ schema: JSONSchema) -> RouteDoc {
        var copy = self
        copy.otherAnswers[status] = (description, schema)
        return copy
    }

    /// A link to the operation `method pattern`, fed from this answer.
    func link(_ name: String, _ method: String, _ pattern: String, _ parameters: [String: String] = [:], body: JSONValue? = nil) -> RouteDoc {
        var copy = self
        copy.links.append(Link(name: name, method: method, pattern: pattern, parameters: parameters, body: body))
        return copy
    }
}
