import AXPSimCore
import AXPSimHTTP
import AXPSimWebSocket
import Foundation
import Synchronization
import Logging
import AXPSimStore

/// The control plane of SPEC section 6 that this layer owns: health, provisioning, reset,
/// inspection of customers, key rotation and the request journal.
extension Emulator {
    func addControlRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/health", .control, "Health of the HTTP server, WebSocket server and store") { [unowned self] _ in
            .respond(self.health())
        }
        addAccountRoutes(to: &table)
        addCredentialRoutes(to: &table)
        addIntegrationRoutes(to: &table)
        table.add("POST", "/__sim/reset", .control, "Reset everything to the loaded fixtures") { [unowned self] _ in
            try self.store.replaceAll(with: self.fixtures, now: Date())
            self.clocks.invalidate()
            self.journal.clear()
            self.hub.dropAccount(nil, response: JSONResponses.problem(.sessionNotFound))
            self.scheduler.poke()
            return .respond(JSONResponses.object(200, ["reset": "all", "accounts": self.fixtures.map(\.account.accountId)]))
        }
        table.add("POST", "/__sim/accounts/{accountId}/reset", .control, "Reset one account, leaving the others untouched") {
            [unowned self] request in
            let account = try self.requireAccount(request)
            let fixture = self.fixtures.first { $0.account.accountId == account.accountId }
            try self.store.resetAccount(account.accountId, to: fixture, now: Date())
            self.clocks.invalidate(accountId: account.accountId)
            self.hub.dropAccount(account.accountId, response: JSONResponses.problem(.sessionNotFound))
            self.scheduler.poke()
            return .respond(JSONResponses.object(200, ["reset": account.accountId, "fixture": fixture != nil] as [String: Any]))
        }
        table.add("GET", "/__sim/accounts/{accountId}/customers", .control, "The account's customers") { [unowned self] request in
            let account = try self.requireAccount(request)
            return .respond(JSONResponses.json(200, ["customers": try self.store.customers(accountId: account.accountId)]))
        }
        table.add("POST", "/__sim/keys/rotate", .control, "Rotate the chat JWT signing key (old keys stay published)") { [unowned self] _ in
            let key = try SigningKeyRotation.rotate(store: self.store, keys: self.keys)
            return .respond(JSONResponses.object(201, ["kid": key]))
        }
        table.add("POST", "/__sim/prune", .control, "Run a retention pass now: prune state that ended longer ago than --retention") {
            [unowned self] _ in
            .respond(JSONResponses.json(200, try self.retention.pass()))
        }
        table.add("GET", "/__sim/requests", .control, "The most recent HTTP requests (bounded journal)") { [unowned self] request in
            let limit = try Self.queryInt(request, "limit", default: 100, range: 1...self.configuration.requestJournalSize)
            return .respond(JSONResponses.json(200, ["requests": self.journal.recent(limit: limit)]))
        }
        addConsoleRoutes(to: &table)
        table.add("GET", "/__sim/openapi.json", .control, "The OpenAPI 3.1 document of every HTTP route") { [unowned self] _ in
            .respond(JSONResponses.object(200, self.openAPIDocument()))
        }
    }

    // MARK: Health

    func health() -> HTTPResponse {
        let current = servers.withLock { $0 }
        let httpOK = current?.http.isRunning ?? false
        let wsOK = (current?.webSocket.isRunning ?? false)
        let storeOK = store.isHealthy
        let parts: [String: Any] = [
            "http": ["status": httpOK ? "ok" : "down", "url": current?.httpURL ?? ""],
            "websocket": ["status": wsOK ? "ok" : "down", "url": current?.wsURL ?? "", "connections": current?.webSocket.connectionCount ?? 0],
            "store": ["status": storeOK ? "ok" : "down", "path": store.path],
        ]
        let healthy = httpOK && wsOK && storeOK
        let held = hub.heldCounts
        let delivery: [String: Any] = [
            "heldPolls": held.polls, "heldJournalPolls": held.journal, "socketSubscribers": held.sockets,
            "eventSockets": sockets.withLock { $0.count },
        ]
        return JSONResponses.object(
            healthy ? 200 : 503,
            [
                "status": healthy ? "ok" : "degraded", "version": AXPSimVersion.current, "parts": parts, "delivery": delivery,
                "uptimeSeconds": Int(Date().timeIntervalSince(startedAt)),
            ] as [String: Any])
    }

    // MARK: Accounts

    private func addAccountRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/accounts", .control, "List accounts") { [unowned self] _ in
            .respond(JSONResponses.json(200, ["accounts": try self.store.accounts()]))
        }
        table.add("POST", "/__sim/accounts", .control, "Create an account") { [unowned self] request in
            let account = try ProvisioningRequests.account(request.optionalJSONObject())
            return .respond(JSONResponses.json(201, try self.store.createAccount(account, now: Date())))
        }
        table.add("GET", "/__sim/accounts/{accountId}", .control, "Read an account with its clients, app keys and integrations") {
            [unowned self] request in
            let account = try self.requireAccount(request)
            return .respond(JSONResponses.json(200, try self.provisionedView(account)))
        }
        table.add("PATCH", "/__sim/accounts/{accountId}", .control, "Rename an account") { [unowned self] request in
            let account = try ProvisioningRequests.accountPatch(request.jsonObject(), current: try self.requireAccount(request))
            try self.store.updateAccount(account)
            return .respond(JSONResponses.json(200, account))
        }
        table.add("DELETE", "/__sim/accounts/{accountId}", .control, "Delete an account and everything it owns") { [unowned self] request in
            let account = try self.requireAccount(request)
            try self.store.deleteAccount(account.accountId)
            self.clocks.invalidate(accountId: account.accountId)
            self.hub.dropAccount(account.accountId, response: JSONResponses.problem(.sessionNotFound))
            return .respond(.empty(204))
        }
    }

    struct ProvisionedView: Encodable {
        let accountId: String
        let name: String
        let clients: [APIClient]
        let appKeys: [String]
        let integrations: [Integration]
    }

    func provisionedView(_ account: Account) throws -> ProvisionedView {
        ProvisionedView(
            accountId: account.accountId, name: account.name, clients: try store.clients(accountId: account.accountId),
            appKeys: try store.appKeys(accountId: account.accountId).map(\.appKey),
            integrations: try store.integrations(accountId: account.accountId))
    }

    // MARK: Clients and app keys

    private func addCredentialRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/accounts/{accountId}/clients", .control, "List API clients") { [unowned self] request in
            let account = try self.requireAccount(request)
            return .respond(JSONResponses.json(200, ["clients": try self.store.clients(accountId: account.accountId)]))
        }
        table.add("POST", "/__sim/accounts/{accountId}/clients", .control, "Create an API client") { [unowned self] request in
            let account = try self.requireAccount(request)
            let client = try ProvisioningRequests.client(request.optionalJSONObject(), accountId: account.accountId)
            return .respond(JSONResponses.json(201, try self.store.createClient(client)))
        }
        table.add("GET", "/__sim/accounts/{accountId}/clients/{clientId}", .control, "Read an API client") { [unowned self] request in
            let account = try self.requireAccount(request)
            guard let client = try self.store.client(accountId: account.accountId, clientId: request.parameter("clientId")) else {
                throw AXPSimError.notFound(resource: "client", id: request.parameter("clientId"))
            }
            return .respond(JSONResponses.json(200, client))
        }
        table.add("DELETE", "/__sim/accounts/{accountId}/clients/{clientId}", .control, "Delete an API client and its access tokens") {
            [unowned self] request in
            let account = try self.requireAccount(request)
            guard try self.store.deleteClient(accountId: account.accountId, clientId: request.parameter("clientId")) else {
                throw AXPSimError.notFound(resource: "client", id: request.parameter("clientId"))
            }
            return .respond(.empty(204))
        }
        table.add("GET", "/__sim/accounts/{accountId}/appkeys", .control, "List app keys") { [unowned self] request in
            let account = try self.requireAccount(request)
            return .respond(JSONResponses.json(200, ["appKeys": try self.store.appKeys(accountId: account.accountId)]))
        }
        table.add("POST", "/__sim/accounts/{accountId}/appkeys", .control, "Create an app key") { [unowned self] request in
            let account = try self.requireAccount(request)
            let key = try ProvisioningRequests.appKey(request.optionalJSONObject(), accountId: account.accountId)
            return .respond(JSONResponses.json(201, try self.store.createAppKey(key)))
        }
        table.add("DELETE", "/__sim/accounts/{accountId}/appkeys/{appKey}", .control, "Delete an app key") { [unowned self] request in
            let account = try self.requireAccount(request)
            guard try self.store.deleteAppKey(accountId: account.accountId, appKey: request.parameter("appKey")) else {
                throw AXPSimError.notFound(resource: "appkey", id: request.parameter("appKey"))
            }
            return .respond(.empty(204))
        }
    }

    // MARK: Integrations

    private func addIntegrationRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/accounts/{accountId}/integrations", .control, "List integrations") { [unowned self] request in
            let account = try self.requireAccount(request)
            return .respond(JSONResponses.json(200, ["integrations": try self.store.integrations(accountId: account.accountId)]))
        }
        table.add("POST", "/__sim/accounts/{accountId}/integrations", .control, "Create an integration (its integrationId is generated)") {
            [unowned self] request in
            let account = try self.requireAccount(request)
            let integration = try ProvisioningRequests.integration(request.jsonObject(), accountId: account.accountId)
            return .respond(JSONResponses.json(201, try self.store.createIntegration(integration)))
        }
        table.add("GET", "/__sim/accounts/{accountId}/integrations/{integrationId}", .control, "Read an integration") { [unowned self] request in
            .respond(JSONResponses.json(200, try self.requireIntegration(request)))
        }
        table.add("PATCH", "/__sim/accounts/{accountId}/integrations/{integrationId}", .control, "Update an integration") {
            [unowned self] request in
            let current = try self.requireIntegration(request)
            let updated = try ProvisioningRequests.integration(request.jsonObject(), accountId: current.accountId, current: current)
            try self.store.updateIntegration(updated)
            return .respond(JSONResponses.json(200, updated))
        }
        table.add("DELETE", "/__sim/accounts/{accountId}/integrations/{integrationId}", .control, "Delete an integration") {
            [unowned self] request in
            let current = try self.requireIntegration(request)
            try self.store.deleteIntegration(accountId: current.accountId, integrationId: current.integrationId)
            return .respond(.empty(204))
        }
    }

    // MARK: Helpers

    func requireAccount(_ request: HTTPRequest) throws -> Account {
        let id = request.parameter("accountId")
        guard let account = try store.account(id) else { throw AXPSimError.notFound(resource: "account", id: id) }
        return account
    }

    func requireIntegration(_ request: HTTPRequest) throws -> Integration {
        let account = try requireAccount(request)
        let id = request.parameter("integrationId")
        guard let integration = try store.integration(accountId: account.accountId, integrationId: id) else {
            throw AXPSimError.notFound(resource: "integration", id: id)
        }
        return integration
    }

    /// An integer query parameter within `range`, or a 400 violation.
    static func queryInt(_ request: HTTPRequest, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.query[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw AXPSimError.constraintViolation([
                Violation(field: name, message: "must be an integer between \(range.lowerBound) and \(range.upperBound)", code: .numberOutOfRange)
            ])
        }
        return number
    }
}
