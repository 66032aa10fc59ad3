import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import AXPSimServer
import Foundation
import Logging

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An axpsim emulator inside the test process, on an in-memory database and the bundled (or
/// given) fixtures, with typed clients for its three APIs.
///
/// ```swift
/// let sim = try TestEmulator()                    // portless: requests go through the dispatcher
/// defer { sim.stop() }
/// let tenant = try await sim.control.provisionTenant()
/// let ann = try await sim.customer(tenant, id: "ann")
/// let chat = try await ann.startChat()
/// ```
///
/// `.portless` answers through exactly the dispatch the HTTP server uses (guard, faults, routes,
/// journal) without sockets; `.ports` binds free loopback ports and talks real HTTP, for tests
/// that also need the WebSocket port or want the wire.
public final class TestEmulator: Sendable {
    /// How requests reach the emulator.
    public enum Transport: Sendable {
        case portless
        case ports
    }

    /// The emulator under test.
    public let emulator: Emulator
    /// How this kit reaches it.
    public let transport: Transport

    /// The repository's `fixtures/` (the bundled accounts `DEMOAA` and `DEMOBB`).
    public static var bundledFixtures: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures").path
    }

    /// Starts an emulator. `configure` may change any setting (database path, clock mode, …)
    /// before it opens.
    public convenience init(
        transport: Transport = .portless, fixtures: String? = TestEmulator.bundledFixtures,
        configure: (inout EmulatorConfiguration) -> Void = { _ in }
    ) throws {
        var configuration = EmulatorConfiguration()
        configuration.httpPort = 0
        configuration.wsPort = 0
        configuration.databasePath = ":memory:"
        configuration.fixturesPath = fixtures
        configuration.scenariosPath = nil
        configuration.logLevel = .error
        configure(&configuration)
        try self.init(transport: transport, configuration: configuration)
    }

    /// Starts an emulator with exactly `configuration`.
    public init(transport: Transport, configuration: EmulatorConfiguration) throws {
        emulator = try Emulator(configuration: configuration, logger: Logger(label: "axpsim.testing"))
        self.transport = transport
        switch transport {
        case .portless: emulator.startPortless()
        case .ports: try emulator.start()
        }
    }

    /// Stops the emulator (idempotent).
    public func stop() {
        emulator.stop()
    }

    /// Stops this emulator and starts a new one with the same configuration, as a restart of the
    /// process does: on a file database (`databasePath`) the new one knows exactly what was
    /// committed — accounts, chats, clocks, timers and scenario runs — and nothing that was only
    /// in memory (fault rules, held polls, recordings). Everything committed is in the WAL before
    /// the stop, so this is what a `kill -9` at this point leaves too. Use the returned emulator
    /// from here on.
    public func restarted() throws -> TestEmulator {
        stop()
        return try TestEmulator(transport: transport, configuration: emulator.configuration)
    }

    /// A fresh database file path under the temporary directory (its folder is created by the
    /// emulator), for tests that restart on the same file.
    public static func temporaryDatabasePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("axpsim-test-\(UUID().uuidString)").appendingPathComponent("axpsim.sqlite").path
    }

    /// The control plane.
    public var control: ControlClient { ControlClient(self) }

    /// The back-end API of `tenant`.
    public func backend(_ tenant: TestTenant) -> BackendClient { BackendClient(self, tenant: tenant) }

    /// A customer's device (one Chat SDK instance) of `tenant`, with a freshly minted JWT.
    /// A verified customer's `identifiers` go into the JWT (routing rules may match them).
    public func customer(
        _ tenant: TestTenant, id: String, name: String? = nil, ttlSeconds: Int? = nil, verified: Bool = false, identifiers: [String: [String]]? = nil
    ) async throws -> ChatCustomer {
        let jwt = try await backend(tenant).mintJWT(
            customerId: id, customerName: name, verified: verified, ttlSeconds: ttlSeconds, customerIdentifiers: identifiers)
        return ChatCustomer(self, tenant: tenant, customerId: id, jwt: jwt)
    }

    // MARK: Requests

    /// Sends one request and returns the answer, whatever its status.
    public func send(
        _ method: String, _ path: String, query: [String: String] = [:], headers: [String: String] = [:], json: JSONValue? = nil,
        form: [String: String]? = nil
    ) async throws -> TestResponse {
        var headers = headers
        var body = Data()
        if let json {
            body = json.jsonData
            headers["Content-Type"] = "application/json"
        } else if let form {
            body = Data(Self.formEncode(form).utf8)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        }
        switch transport {
        case .portless: return try await sendPortless(method, path, query: query, headers: headers, body: body)
        case .ports: return try await sendOverHTTP(method, path, query: query, headers: headers, body: body)
        }
    }

    /// Sends one request and checks its status; returns the answer.
    @discardableResult
    public func expect(
        _ status: Int, _ method: String, _ path: String, query: [String: String] = [:], headers: [String: String] = [:],
        json: JSONValue? = nil, form: [String: String]? = nil
    ) async throws -> TestResponse {
        let response = try await send(method, path, query: query, headers: headers, json: json, form: form)
        guard response.status == status else {
            throw AXPSimTestError.unexpectedStatus(method: method, path: path, status: response.status, expected: status, body: response.text)
        }
        return response
    }

    private func sendPortless(_ method: String, _ path: String, query: [String: String], headers: [String: String], body: Data) async throws
        -> TestResponse
    {
        let request = HTTPRequest(
            method: method, path: path, query: query, headers: Dictionary(uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value) }),
            body: body)
        let response: HTTPResponse
        switch emulator.dispatch(request) {
        case .respond(let answer): response = answer
        case .suspend(let pending): response = await pending.response()
        case .drop: throw AXPSimTestError.connectionDropped(method: method, path: path)
        }
        var fields: [String: String] = [:]
        for (name, value) in response.headers { fields[name.lowercased()] = value }
        return TestResponse(status: response.status, headers: fields, body: response.body)
    }

    private func sendOverHTTP(_ method: String, _ path: String, query: [String: String], headers: [String: String], body: Data) async throws
        -> TestResponse
    {
        guard var components = URLComponents(string: emulator.httpURL + path) else {
            throw AXPSimTestError.unexpectedBody(path: path, detail: "not a valid path")
        }
        if !query.isEmpty { components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        guard let url = components.url else { throw AXPSimTestError.unexpectedBody(path: path, detail: "not a valid URL") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 60
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if !body.isEmpty { request.httpBody = body }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw AXPSimTestError.unexpectedBody(path: path, detail: "not an HTTP answer") }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return TestResponse(status: http.statusCode, headers: fields, body: data)
    }

    static func formEncode(_ form: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return form.sorted { $0.key < $1.key }.map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }
}
