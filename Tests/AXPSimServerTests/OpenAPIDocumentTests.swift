import AXPSimChat
import AXPSimCore
import Foundation
import Logging
import Synchronization
import Testing

@testable import AXPSimServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The OpenAPI document's answer schemas match what the in-process emulator serves.
@Suite(.serialized) struct OpenAPIDocumentTests {
    static let support = "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01"

    func makeEmulator() throws -> Emulator {
        try EmulatorTestSupport.makeEmulator()
    }

    func call(_ emulator: Emulator, _ method: String, _ path: String, json: String? = nil, form: String? = nil, headers: [String: String] = [:])
        async throws -> (Int, JSONValue)
    {
        var request = URLRequest(url: try #require(URL(string: emulator.httpURL + path)))
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let form {
            request.httpBody = Data(form.utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data.isEmpty ? .null : try JSONValue.parse(data))
    }

    /// The answer schema of `method pattern` for `status` in `document`.
    func schema(_ document: JSONValue, _ method: String, _ pattern: String, _ status: Int) throws -> JSONValue {
        let responses = try #require(document.objectValue["paths"]?.objectValue[pattern]?.objectValue[method]?.objectValue["responses"])
        let answer = try #require(responses.objectValue["\(status)"] ?? responses.objectValue["default"])
        // OAuth errors may be documented as application/json (theirs) and problem+json (before the endpoint).
        let content = answer.objectValue["content"]?.objectValue ?? [:]
        return try #require((content["application/json"] ?? content.values.first)?.objectValue["schema"])
    }

    @Test func everyAnswerOfAChatConformsToTheDocument() async throws {
        let emulator = try makeEmulator()
        try emulator.start()
        defer { emulator.stop() }
        let document = emulator.openAPIDocument()
        let checker = SchemaChecker(document: document)
        func expectConforms(_ method: String, _ pattern: String, _ answer: (Int, JSONValue), status: Int) throws {
            #expect(answer.0 == status, "\(method) \(pattern): \(answer.1)")
            let problems = checker.problems(answer.1, try schema(document, method, pattern, answer.0))
            #expect(problems.isEmpty, "\(method) \(pattern): \(problems)")
        }

        let grant = try await call(
            emulator, "POST", "/auth/realms/DEMOAA/protocol/openid-connect/token",
            form: "grant_type=client_credentials&client_id=retail-backend&client_secret=retail-backend-secret",
            headers: ["appkey": "retail-appkey-0001"])
        try expectConforms("post", "/auth/realms/{accountId}/protocol/openid-connect/token", grant, status: 200)
        let access = try #require(grant.1.objectValue["access_token"]?.stringValue)
        let minted = try await call(
            emulator, "POST", "/api/digital/chat/v1/accounts/DEMOAA/tokens", json: #"{"integrationId":"\#(Self.support)","customerId":"c-1"}"#,
            headers: ["Authorization": "Bearer \(access)", "appkey": "retail-appkey-0001"])
        try expectConforms("post", "/api/digital/chat/v1/accounts/{accountId}/tokens", minted, status: 201)
        let jwt = try #require(minted.1.objectValue["jwtToken"]?.stringValue)
        let sdk = ["Authorization": "Bearer \(jwt)", "appkey": "retail-appkey-0001"]
        let base = "/sdk/digital/chat/v1/integrations/{integrationId}"
        let path = "/sdk/digital/chat/v1/integrations/\(Self.support)"

        let session = try await call(emulator, "POST", "\(path)/sessions", json: "{}", headers: sdk)
        try expectConforms("post", "\(base)/sessions", session, status: 201)
        let sessionId = try #require(session.1.objectValue["sessionId"]?.stringValue)
        let engagement = try await call(emulator, "POST", "\(path)/engagements", json: #"{"sessionId":"\#(sessionId)"}"#, headers: sdk)
        try expectConforms("post", "\(base)/engagements", engagement, status: 201)
        let engagementId = try #require(engagement.1.objectValue["engagementId"]?.stringValue)
        let agent = try await call(emulator, "POST", "/__sim/engagements/\(engagementId)/agent/join", json: #"{"displayName":"Alice"}"#)
        try expectConforms("post", "/__sim/engagements/{engagementId}/agent/join", agent, status: 201)
        let message = try await call(
            emulator, "POST", "\(path)/engagements/\(engagementId)/messages",
            json: #"{"sessionId":"\#(sessionId)","body":{"elementType":"TEXT","elementText":{"text":"hello"}}}"#, headers: sdk)
        try expectConforms("post", "\(base)/engagements/{engagementId}/messages", message, status: 201)
        let history = try await call(emulator, "GET", "\(path)/engagements/\(engagementId)/messages?sessionId=\(sessionId)", headers: sdk)
        try expectConforms("get", "\(base)/engagements/{engagementId}/messages", history, status: 200)
        let events = try await call(emulator, "GET", "\(path)/sessions/\(sessionId)/events?lastEventId=0&waitSeconds=0", headers: sdk)
        try expectConforms("get", "\(base)/sessions/{sessionId}/events", events, status: 200)
        try expectConforms(
            "get", "/__sim/engagements/{engagementId}", try await call(emulator, "GET", "/__sim/engagements/\(engagementId)"), status: 200)
        try expectConforms("get", "/__sim/accounts/{accountId}/clock", try await call(emulator, "GET", "/__sim/accounts/DEMOAA/clock"), status: 200)
        try expectConforms("get", "/__sim/health", try await call(emulator, "GET", "/__sim/health"), status: 200)
        try expectConforms("get", "/__sim/scenarios", try await call(emulator, "GET", "/__sim/scenarios"), status: 200)

        let problem = try await call(emulator, "POST", "\(path)/engagements", json: #"{"sessionId":7}"#, headers: sdk)
        try expectConforms("post", "\(base)/engagements", problem, status: 400)
        let oauthError = try await call(
            emulator, "POST", "/auth/realms/DEMOAA/protocol/openid-connect/token", form: "grant_type=password", headers: ["appkey": "retail-appkey-0001"])
        try expectConforms("post", "/auth/realms/{accountId}/protocol/openid-connect/token", oauthError, status: 400)
    }

    @Test func theCheckerRejectsWhatTheSchemasForbid() throws {
        let document = JSONValue.object(["components": .object(["schemas": .object(["Session": .object(WireFormat.sessionSchema.definitions["Session"] ?? [:])])])])
        let checker = SchemaChecker(document: document)
        let ref = JSONValue.object(WireFormat.sessionSchema.json)
        #expect(!checker.problems(.object(["sessionId": "s"]), ref).isEmpty, "missing required fields")
        let session = WireFormat.session(
            SessionView(session: ChatSession(
                sessionId: "s", accountId: "DEMOAA", integrationId: Self.support, customerId: "c", displayName: nil, sessionParameters: [:],
                clientType: "web", createdAt: Date(), tokenJti: "j", tokenExpiresAt: Date()), engagements: []))
        #expect(checker.problems(session, ref).isEmpty)
        var extra = session.objectValue
        extra["surprise"] = true
        #expect(!checker.problems(.object(extra), ref).isEmpty, "an undocumented field is a drift")
    }

    @Test func everyRouteIsDocumentedWithLinksToOperationsThatExist() throws {
        let emulator = try makeEmulator()
        try emulator.start()
        defer { emulator.stop() }
        let document = emulator.openAPIDocument()
        let paths = document.objectValue["paths"]?.objectValue ?? [:]
        let operations = paths.values.flatMap { $0.objectValue.values }
        #expect(operations.count == emulator.routes.read { $0.operations.count } && operations.count > 70)
        let ids = Set(operations.compactMap { $0.objectValue["operationId"]?.stringValue })
        #expect(ids.count == operations.count, "operation ids are unique")
        var linkCount = 0
        for operation in operations {
            for response in operation.objectValue["responses"]?.objectValue.values ?? [:].values {
                for link in response.objectValue["links"]?.objectValue.values ?? [:].values {
                    linkCount += 1
                    #expect(ids.contains(link.objectValue["operationId"]?.stringValue ?? ""))
                }
            }
        }
        #expect(linkCount > 30)
        let components = document.objectValue["components"]?.objectValue["schemas"]?.objectValue ?? [:]
        let text = String(decoding: document.jsonData, as: UTF8.self)
        for name in components.keys { #expect(text.contains("#/components/schemas/\(name)")) }
        var references = Set<String>()
        let pattern = try NSRegularExpression(pattern: "#/components/schemas/([A-Za-z]+)")
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            if let range = Range(match.range(at: 1), in: text) { references.insert(String(text[range])) }
        }
        #expect(references.isSubset(of: Set(components.keys)), "every $ref resolves")
    }
}

/// A small JSON Schema checker for the keywords axpsim's document uses (type, properties,
/// required, additionalProperties, items, enum, const, anyOf, $ref, bounds, pattern).
struct SchemaChecker {
    let document: JSONValue

    func problems(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        let s = schema.objectValue
        if let ref = s["$ref"]?.stringValue {
            let name = String(ref.split(separator: "/").last ?? "")
            guard let target = document.objectValue["components"]?.objectValue["schemas"]?.objectValue[name] else { return ["\(path): unresolved \(ref)"] }
            return problems(value, target, at: path)
        }
        if case .array(let options)? = s["anyOf"] {
            return options.contains { problems(value, $0, at: path).isEmpty } ? [] : ["\(path): matches no anyOf option"]
        }
        var found: [String] = []
        if let type = s["type"] {
            let allowed: [String] = if case .array(let items) = type { items.compactMap(\.stringValue) } else { [type.stringValue ?? ""] }
            if !allowed.contains(where: { Self.isOf(value, $0) }) { return ["\(path): \(value.typeName) is not \(allowed)"] }
        }
        if let constant = s["const"], constant != value { found.append("\(path): not \(constant)") }
        if case .array(let options)? = s["enum"], !options.contains(value) { found.append("\(path): \(value) not in enum") }
        switch value {
        case .string(let text):
            if case .int(let min)? = s["minLength"], text.count < min { found.append("\(path): shorter than \(min)") }
            if case .int(let max)? = s["maxLength"], text.count > max { found.append("\(path): longer than \(max)") }
            if let pattern = s["pattern"]?.stringValue {
                do {
                    let regex = try NSRegularExpression(pattern: pattern)
                    if regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                        found.append("\(path): does not match \(pattern)")
                    }
                } catch {
                    found.append("\(path): the schema's pattern \(pattern) does not compile: \(error)")
                }
            }
        case .int(let number):
            if case .int(let min)? = s["minimum"], number < min { found.append("\(path): below \(min)") }
            if case .int(let max)? = s["maximum"], number > max { found.append("\(path): above \(max)") }
        case .array(let items):
            if let itemSchema = s["items"] {
                for (index, item) in items.enumerated() { found += problems(item, itemSchema, at: "\(path)[\(index)]") }
            }
        case .object(let object):
            let properties = s["properties"]?.objectValue ?? [:]
            if case .array(let required)? = s["required"] {
                for name in required.compactMap(\.stringValue) where object[name] == nil { found.append("\(path).\(name): missing") }
            }
            for (name, item) in object {
                if let property = properties[name] {
                    found += problems(item, property, at: "\(path).\(name)")
                } else if let additional = s["additionalProperties"] {
                    if additional == false { found.append("\(path).\(name): not documented") } else if case .object = additional {
                        found += problems(item, additional, at: "\(path).\(name)")
                    }
                }
            }
        default:
            break
        }
        return found
    }

    private static func isOf(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double), ("string", .string),
            ("array", .array), ("object", .object):
            true
        default: false
        }
    }
}
