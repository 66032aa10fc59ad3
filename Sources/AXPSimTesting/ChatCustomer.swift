import AXPSimChat
import AXPSimCore

/// One device of one customer, speaking the Chat SDK protocol (`/sdk/digital/chat/v1/…`) as the
/// vendor's SDK does: a session, chats, messages and the long poll with its cursor.
public final class ChatCustomer: Sendable {
    let emulator: TestEmulator
    /// The account the customer belongs to.
    public let tenant: TestTenant
    /// The customer's id.
    public let customerId: String
    /// The chat JWT this device sends.
    public let jwt: String
    /// The session, once ``startSession(displayName:)`` ran.
    public var sessionId: String { state.withLock { $0.sessionId ?? "" } }

    private struct State {
        var sessionId: String?
        var lastEventId: String?
    }

    private let state = SendableMutex(State())

    init(_ emulator: TestEmulator, tenant: TestTenant, customerId: String, jwt: String) {
        self.emulator = emulator
        self.tenant = tenant
        self.customerId = customerId
        self.jwt = jwt
    }

    /// The base path of the SDK API for the tenant's integration.
    public var base: String { "/sdk/digital/chat/v1/integrations/\(tenant.integrationId)" }

    /// The headers the SDK sends (`jwt` replaces the device's token).
    public func headers(jwt: String? = nil) -> [String: String] {
        ["Authorization": "Bearer \(jwt ?? self.jwt)", "appkey": tenant.appKey]
    }

    /// Any SDK call (relative to ``base``), whatever its status.
    public func call(_ method: String, _ path: String, json: JSONValue? = nil, query: [String: String] = [:], jwt: String? = nil) async throws
        -> TestResponse
    {
        try await emulator.send(method, base + path, query: query, headers: headers(jwt: jwt), json: json)
    }

    /// Opens a session (`POST …/sessions`); returns its answer.
    @discardableResult
    public func startSession(displayName: String? = nil, parameters: [String: String] = [:]) async throws -> [String: JSONValue] {
        var body: [String: JSONValue] = ["clientType": .string("web"), "sessionParameters": .strings(parameters)]
        if let displayName { body["displayName"] = .string(displayName) }
        let answer = try await expect(201, "POST", "/sessions", json: .object(body)).object()
        guard let id = answer["sessionId"]?.stringValue else { throw AXPSimTestError.unexpectedBody(path: "sessions", detail: "no sessionId") }
        state.withLock { $0.sessionId = id }
        return answer
    }

    /// Uses an existing session (a second page load of the same device).
    public func resume(sessionId: String) {
        state.withLock { $0.sessionId = sessionId }
    }

    /// The same device (token, session and poll cursor) talking to `emulator`: after
    /// ``TestEmulator/restarted()``, the customer's browser reaches the new process.
    public func reconnected(to emulator: TestEmulator) -> ChatCustomer {
        let device = ChatCustomer(emulator, tenant: tenant, customerId: customerId, jwt: jwt)
        let current = state.withLock { $0 }
        device.state.withLock { $0 = current }
        return device
    }

    /// Starts a chat; the engagement as answered.
    public func startChat(parameters: [String: String] = [:]) async throws -> TestChat {
        let answer = try await expect(
            201, "POST", "/engagements",
            json: .object(["sessionId": .string(sessionId), "engagementParameters": .strings(parameters)])).object()
        return try TestChat(answer)
    }

    /// Joins, from this device, a chat the customer holds in another session.
    @discardableResult
    public func join(_ chat: TestChat) async throws -> [String: JSONValue] {
        try await expect(
            200, "POST", "/engagements/\(chat.engagementId):join",
            json: .object(["sessionId": .string(sessionId), "dialogId": .string(chat.dialogId)])).object()
    }

    /// Sends a text message; the stored message.
    @discardableResult
    public func say(_ text: String, in chat: TestChat, parentMessageId: String? = nil) async throws -> [String: JSONValue] {
        var body: [String: JSONValue] = [
            "sessionId": .string(sessionId), "dialogId": .string(chat.dialogId),
            "body": .object(["elementType": .string("TEXT"), "elementText": .object(["text": .string(text), "textFormat": .string("PLAINTEXT")])]),
        ]
        if let parentMessageId { body["parentMessageId"] = .string(parentMessageId) }
        return try await expect(201, "POST", "/engagements/\(chat.engagementId)/messages", json: .object(body)).object()
    }

    /// Leaves (ends) the chat.
    public func disconnect(_ chat: TestChat) async throws {
        try await expect(
            200, "POST", "/engagements/\(chat.engagementId):disconnect",
            json: .object(["sessionId": .string(sessionId), "dialogId": .string(chat.dialogId)]))
    }

    /// One page of history.
    public func history(_ chat: TestChat, pageSize: Int = 50, pageNumber: Int = 1, ascending: Bool = true) async throws -> [String: JSONValue] {
        try await expect(
            200, "GET", "/engagements/\(chat.engagementId)/messages",
            query: [
                "sessionId": sessionId, "dialogId": chat.dialogId, "pageSize": String(pageSize), "pageNumber": String(pageNumber),
                "orderBy": ascending ? "ASC" : "DSC",
            ]
        ).object()
    }

    /// One long poll (`wait` seconds at most), sending the last event id seen as the SDK does;
    /// returns the events and remembers the last id.
    public func poll(wait: Int = 0) async throws -> [TestEvent] {
        var query = ["waitSeconds": String(wait)]
        if let last = state.withLock({ $0.lastEventId }) { query["lastEventId"] = last }
        let answer = try await expect(200, "GET", "/sessions/\(sessionId)/events", query: query).json()
        guard case .array(let items) = answer else { throw AXPSimTestError.unexpectedBody(path: "events", detail: "not an array") }
        let events = items.map { TestEvent($0.objectValue) }
        if let last = events.last?.eventId { state.withLock { $0.lastEventId = last } }
        return events
    }

    /// Shuts the session down (`DELETE …/sessions/{id}`).
    public func shutdown() async throws {
        try await expect(204, "DELETE", "/sessions/\(sessionId)")
    }

    @discardableResult
    private func expect(_ status: Int, _ method: String, _ path: String, json: JSONValue? = nil, query: [String: String] = [:]) async throws
        -> TestResponse
    {
        try await emulator.expect(status, method, base + path, query: query, headers: headers(), json: json)
    }
}

/// A chat as the SDK holds it: its engagement and dialog ids.
public struct TestChat: Sendable, Equatable {
    public let engagementId: String
    public let dialogId: String

    init(_ engagement: [String: JSONValue]) throws {
        guard let id = engagement["engagementId"]?.stringValue, case .array(let dialogs)? = engagement["dialogs"],
            let dialogId = dialogs.first?.objectValue["dialogId"]?.stringValue
        else { throw AXPSimTestError.unexpectedBody(path: "engagements", detail: "no engagementId/dialogId") }
        engagementId = id
        self.dialogId = dialogId
    }
}
