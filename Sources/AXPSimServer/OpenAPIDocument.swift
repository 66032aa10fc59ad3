import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import Foundation
import Synchronization

/// The OpenAPI 3.1 document of every HTTP route, generated from the route table: request
/// schemas recorded from the validators, response schemas written next to the encoders, so the
/// document cannot drift from what is served.
enum OpenAPIDocument {
    /// The whole document of `table`'s routes, served at `serverURL`.
    static func build(_ table: RouteTable, serverURL: String) -> JSONValue {
        let operations = table.operations
        let operationIds = Dictionary(
            operations.map { ("\($0.method) \($0.pattern)", Self.operationId($0.method, $0.pattern)) }, uniquingKeysWith: { first, _ in first })
        var paths: [String: [String: JSONValue]] = [:]
        var schemas: [String: [String: JSONValue]] = [
            "Problem": JSONResponses.problemSchema.json, "OAuthError": JSONResponses.oauthErrorSchema.json,
        ]
        for (method, pattern, entry) in operations {
            let (operation, definitions) = Self.operation(method, pattern, entry, operationIds: operationIds)
            paths[pattern, default: [:]][method.lowercased()] = .object(operation)
            schemas.merge(definitions) { first, _ in first }
        }
        return .object([
            "openapi": "3.1.0",
            "info": .object([
                "title": "axpsim", "version": .string(AXPSimVersion.current),
                "description": .string(
                    "Offline emulator of the Avaya Experience Platform Digital chat services: the back-end API (OAuth client "
                        + "credentials, Generate JWT Token, JWKS), the Chat SDK API, and the /__sim control plane. Errors are RFC 7807 "
                        + "problems (application/problem+json) with a stable `code`, except the OAuth token endpoint's own "
                        + "{error, error_description}."),
            ]),
            "servers": .array([.object(["url": .string(serverURL)])]),
            "paths": .object(paths.mapValues { .object($0) }),
            "components": .object([
                "schemas": .object(schemas.mapValues { .object($0) }),
                "securitySchemes": Self.securitySchemes,
            ]),
        ])
    }

    private static var securitySchemes: JSONValue {
        .object([
            "oauthClientCredentials": .object([
                "type": "oauth2",
                "description": .string(
                    "The back end's access token (client credentials grant at /auth/realms/{accountId}/protocol/openid-connect/token "
                        + "or /api/auth/v1/{accountId}/…: a form with grant_type=client_credentials, client_id, client_secret, or HTTP "
                        + "Basic), sent as Authorization: Bearer."),
                "flows": .object([
                    "clientCredentials": .object(["tokenUrl": "/auth/realms/ACCOUNT/protocol/openid-connect/token", "scopes": .object([:])])
                ]),
            ]),
            "chatJWT": .object([
                "type": "http", "scheme": "bearer", "bearerFormat": "jwt.<header>.<payload>.<signature> (RS256)",
                "description": "The chat JWT minted by Generate JWT Token, whole (with its literal jwt. prefix).",
            ]),
            "appKey": .object([
                "type": "apiKey", "in": "header", "name": "appkey", "description": "An app key of the account (API gateway application key).",
            ]),
            "controlToken": .object([
                "type": "http", "scheme": "bearer",
                "description": "The --control-token of the server; without one, the control plane answers loopback clients only.",
            ]),
            "signedURL": .object([
                "type": "apiKey", "in": "query", "name": "signature",
                "description": .string(
                    "A signed URL written by axpsim (an attachment's presignedUrl or url): its expires and signature query parameters "
                        + "are the credential, HMAC-SHA256 over purpose, account, id and expiry; no Authorization or app key."),
            ]),
            "consoleSession": .object([
                "type": "apiKey", "in": "cookie", "name": .string(ControlGuard.cookieName),
                "description": "The console's session cookie, set by POST /__sim/login (HttpOnly, SameSite=Strict).",
            ]),
        ])
    }

    private static func security(_ group: RouteGroup, pattern: String) -> JSONValue {
        switch group {
        case .oauth:
            // The realm path takes the app key optionally; the gateway path requires it.
            pattern.hasPrefix("/api/") ? .array([.object(["appKey": .array([])])]) : .array([.object(["appKey": .array([])]), .object([:])])
        case .backend: .array([.object(["oauthClientCredentials": .array([]), "appKey": .array([])])])
        case .sdk: .array([.object(["chatJWT": .array([]), "appKey": .array([])])])
        case .control: .array([.object(["controlToken": .array([])]), .object([:])])
        case .console:
            // Anyone may try to log in; the page and logout take the token or the login's cookie.
            pattern == "/__sim/login"
                ? .array([])
                : .array([.object(["controlToken": .array([])]), .object(["consoleSession": .array([])]), .object([:])])
        case .meta: .array([])
        }
    }

    private static func operation(
        _ method: String, _ pattern: String, _ entry: RouteEntry, operationIds: [String: String]
    ) -> ([String: JSONValue], [String: [String: JSONValue]]) {
        let doc = entry.doc
        var definitions: [String: [String: JSONValue]] = [:]
        func use(_ schema: JSONSchema) -> JSONValue {
            definitions.merge(schema.definitions) { first, _ in first }
            return .object(schema.json)
        }
        var parameters: [JSONValue] = parameterNames(pattern).map { name in
            .object(["name": .string(name), "in": "path", "required": true, "schema": use(pathSchema(name))])
        }
        parameters += doc.query.map { parameter in
            .object([
                "name": .string(parameter.name), "in": "query", "required": false, "description": .string(parameter.description),
                "schema": use(parameter.schema),
            ])
        }
        var operation: [String: JSONValue] = [
            "summary": .string(entry.summary), "tags": .array([.string(entry.group.rawValue)]),
            "operationId": .string(operationIds["\(method) \(pattern)"] ?? operationId(method, pattern)),
            "security": doc.isSignedURL ? .array([.object(["signedURL": .array([])])]) : security(entry.group, pattern: pattern),
        ]
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        switch doc.body {
        case .json(let schema, let required)?:
            operation["requestBody"] = .object([
                "required": .bool(required), "content": .object(["application/json": .object(["schema": use(schema)])]),
            ])
        case .form(let schema)?:
            operation["requestBody"] = .object([
                "required": true, "content": .object(["application/x-www-form-urlencoded": .object(["schema": use(schema)])]),
            ])
        case .multipart(let schema)?:
            operation["requestBody"] = .object([
                "required": true, "content": .object(["multipart/form-data": .object(["schema": use(schema)])]),
            ])
        case nil:
            break
        }
        var success: [String: JSONValue] = ["description": .string(entry.summary)]
        if let schema = doc.response { success["content"] = .object([doc.contentType: .object(["schema": use(schema)])]) }
        if !doc.links.isEmpty {
            success["links"] = .object(
                Dictionary(
                    doc.links.map { link in (link.name, linkObject(link, from: pattern, operationIds: operationIds)) },
                    uniquingKeysWith: { first, _ in first }))
        }
        var responses: [String: JSONValue] = ["\(doc.status)": .object(success)]
        for (status, answer) in doc.otherAnswers {
            responses["\(status)"] = .object([
                "description": .string(answer.description), "content": .object([doc.contentType: .object(["schema": use(answer.schema)])]),
            ])
        }
        responses["default"] =
            entry.group == .oauth
            ? .object([
                "description": "An OAuth error in Keycloak's shape; errors before the endpoint (body too large, an injected fault) are problems",
                "content": .object([
                    "application/json": .object(["schema": .object(["$ref": "#/components/schemas/OAuthError"])]),
                    "application/problem+json": .object(["schema": .object(["$ref": "#/components/schemas/Problem"])]),
                ]),
            ])
            : .object([
                "description": "An RFC 7807 problem with a stable code (SPEC section 9)",
                "content": .object(["application/problem+json": .object(["schema": .object(["$ref": "#/components/schemas/Problem"])])]),
            ])
        operation["responses"] = .object(responses)
        return (operation, definitions)
    }

    private static func linkObject(_ link: RouteDoc.Link, from pattern: String, operationIds: [String: String]) -> JSONValue {
        var parameters = link.parameters.mapValues { JSONValue.string($0) }
        let available = Set(parameterNames(pattern))
        for name in parameterNames(link.pattern) where parameters[name] == nil && available.contains(name) {
            parameters[name] = .string("$request.path.\(name)")
        }
        var object: [String: JSONValue] = [
            "operationId": .string(operationIds["\(link.method) \(link.pattern)"] ?? operationId(link.method, link.pattern)),
            "parameters": .object(parameters),
        ]
        if let body = link.body { object["requestBody"] = body }
        return .object(object)
    }

    /// Path parameters with a known format are documented with it.
    private static func pathSchema(_ name: String) -> JSONSchema {
        switch name {
        case "accountId": .string(length: 6...6, pattern: FieldPattern.accountId.pattern)
        case "integrationId": .string(pattern: FieldPattern.uuid.pattern)
        case "name": .string(length: 1...64)
        default: .string(length: 1...256)
        }
    }

    static func parameterNames(_ pattern: String) -> [String] {
        pattern.split(separator: "/").compactMap { part in
            guard part.hasPrefix("{"), let close = part.firstIndex(of: "}") else { return nil }
            return String(part[part.index(after: part.startIndex)..<close])
        }
    }

    static func operationId(_ method: String, _ pattern: String) -> String {
        let words = pattern.split(whereSeparator: { "/{}:._-".contains($0) }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return method.lowercased() + words.joined()
    }
}
