import AXPSimAuth
import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import AXPSimWebSocket
import Foundation
import Synchronization
import Logging
import AXPSimStore

/// The control plane of SPEC section 6 that is not about chats: health, provisioning, resets, key rotation, retention and the request journal.
struct ControlController: Sendable {
    let store: Store
    let keys: KeyRing
    let retention: RetentionService
    let journal: RequestJournal
    let resets: StateResets
    let health: HealthReporter

    func addRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/health", .control, "Health of the HTTP server, WebSocket server and store",
            RouteDoc.json(200, HealthReporter.schema).also(503, "A part is down", HealthReporter.schema)) { _ in
            .respond(self.health.response())
        }
        addAccountRoutes(to: &table)
        addCredentialRoutes(to: &table)
        addIntegrationRoutes(to: &table)
        table.add("POST", "/__sim/reset", .control, "Reset everything to the loaded fixtures",
            .json(200, .record(["reset": .constant("all"), "accounts": .array(.string())]))) { _ in
            try self.resets.resetAll()
            let accounts = self.resets.fixtures.map { JSONValue.string($0.account.accountId) }
            return .respond(JSONResponses.json(200, JSONValue.object(["reset": "all", "accounts": .array(accounts)])))
        }
        table.add("POST", "/__sim/accounts/{accountId}/reset", .control, "Reset one account, leaving the others untouched",
            .json(200, .record(["reset": .string(), "fixture": .boolean]))) {
            request in
            let account = try self.store.requireAccount(request)
            let fixture = try self.resets.resetAccount(account.accountId)
            return .respond(JSONResponses.json(200, JSONValue.object(["reset": .string(account.accountId), "fixture": .bool(fixture)])))
        }
        table.add("GET", "/__sim/accounts/{accountId}/customers", .control, "The account's customers",
            .json(200, .record(["customers": .array(Customer.schema)]))) { request in
            let account = try self.store.requireAccount(request)
            return .respond(JSONResponses.json(200, ["customers": try self.store.customers(accountId: account.accountId)]))
        }
        table.add("POST", "/__sim/keys/rotate", .control, "Rotate the chat JWT signing key (old keys stay published)",
            .json(201, .record(["kid": .string()]))) { _ in
            let key = try SigningKeyRotation.rotate(store: self.store, keys: self.keys)
            return .respond(JSONResponses.json(201, JSONValue.object(["kid": .string(key)])))
        }
        table.add(
            "POST", "/__sim/prune", .control, "Run a retention pass now: prune state that ended longer ago than --retention",
            .json(200, Self.pruneReportSchema)
        ) { _ in
            .respond(JSONResponses.json(200, try self.retention.pass()))
        }
        table.add("GET", "/__sim/requests", .control, "The most recent HTTP requests (bounded journal)",
            RouteDoc.json(200, .record(["requests": .array(JournalEntry.schema)])).query([self.requestsLimitQuery])) { request in
            let limit = try self.requestsLimitQuery.int(in: request.query)
            return .respond(JSONResponses.json(200, ["requests": self.journal.recent(limit: limit)]))
        }
    }

    /// The JSON shape of ``PruneReport`` (what one retention pass removed).
    static let pruneReportSchema = JSONSchema.ref(
        "PruneReport",
        .record([
            "sessions": .integer(), "events": .integer(), "engagements": .integer(), "messages": .integer(), "attachments": .integer(),
            "tokens": .integer(), "accessTokens": .integer(), "customers": .integer(),
        ]))

    // MARK: Request journal

    /// `GET /__sim/requests?limit=`.
    var requestsLimitQuery: QueryParameter {
        .integer("limit", default: 100, range: 1...journal.capacity, "How many of the most recent requests")
    }

    // MARK: Accounts

    private func addAccountRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/accounts", .control, "List accounts",
            .json(200, .record(["accounts": .array(Account.schema)]))) { _ in
            .respond(JSONResponses.json(200, ["accounts": try self.store.accounts()]))
        }
        table.add("POST", "/__sim/accounts", .control, "Create an account",
            Self.accountLinks(.json(201, Account.schema).optionalBody(ProvisioningRequests.account))) { request in
            let account = try ProvisioningRequests.account(request.optionalJSONObject())
            return .respond(JSONResponses.json(201, try self.store.createAccount(account, now: Date())))
        }
        table.add("GET", "/__sim/accounts/{accountId}", .control, "Read an account with its clients, app keys and integrations",
            .json(200, Self.provisionedViewSchema)) {
            request in
            let account = try self.store.requireAccount(request)
            return .respond(JSONResponses.json(200, try self.provisionedView(account)))
        }
        table.add("PATCH", "/__sim/accounts/{accountId}", .control, "Rename an account",
            .json(200, Account.schema).body { try ProvisioningRequests.accountPatch($0, current: Account(accountId: "", name: "")) }) {
            request in
            let account = try ProvisioningRequests.accountPatch(request.jsonObject(), current: try self.store.requireAccount(request))
            try self.store.updateAccount(account)
            return .respond(JSONResponses.json(200, account))
        }
        table.add("DELETE", "/__sim/accounts/{accountId}", .control, "Delete an account and everything it owns",
            .noContent) { request in
            let account = try self.store.requireAccount(request)
            try self.resets.deleteAccount(account.accountId)
            return .respond(.empty(204))
        }
    }

    /// What a new account's id feeds.
    private static func accountLinks(_ doc: RouteDoc) -> RouteDoc {
        let account = "/__sim/accounts/{accountId}"
        let id = ["accountId": "$response.body#/accountId"]
        return doc.link("GetAccount", "GET", account, id).link("RenameAccount", "PATCH", account, id)
            .link("DeleteAccount", "DELETE", account, id).link("ResetAccount", "POST", "\(account)/reset", id)
            .link("CreateClient", "POST", "\(account)/clients", id).link("CreateAppKey", "POST", "\(account)/appkeys", id)
            .link("CreateIntegration", "POST", "\(account)/integrations", id).link("CreateQueue", "POST", "\(account)/queues", id)
            .link("GetClock", "GET", "\(account)/clock", id)
            .link("SetClock", "PUT", "\(account)/clock", id).link("AdvanceClock", "POST", "\(account)/clock/advance", id)
            .link("ListSessions", "GET", "\(account)/sessions", id).link("ListEngagements", "GET", "\(account)/engagements", id)
            .link("ListCustomers", "GET", "\(account)/customers", id)
    }

    /// The JSON shape of ``ProvisionedView``.
    static let provisionedViewSchema = JSONSchema.ref(
        "ProvisionedAccount",
        .record([
            "accountId": .string(), "name": .string(), "clients": .array(APIClient.schema), "appKeys": .array(.string()),
            "integrations": .array(Integration.schema), "queues": .array(RoutingQueue.schema),
        ]))

    struct ProvisionedView: Encodable {
        let accountId: String
        let name: String
        let clients: [APIClient]
        let appKeys: [String]
        let integrations: [Integration]
        let queues: [RoutingQueue]
    }

    func provisionedView(_ account: Account) throws -> ProvisionedView {
        ProvisionedView(
            accountId: account.accountId, name: account.name, clients: try store.clients(accountId: account.accountId),
            appKeys: try store.appKeys(accountId: account.accountId).map(\.appKey),
            integrations: try store.integrations(accountId: account.accountId),
            queues: try store.chatRead { try $0.queues(accountId: account.accountId) })
    }

    // MARK: Clients and app keys

    private func addCredentialRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/accounts/{accountId}/clients", .control, "List API clients",
            .json(200, .record(["clients": .array(APIClient.schema)]))) { request in
            let account = try self.store.requireAccount(request)
            return .respond(JSONResponses.json(200, ["clients": try self.store.clients(accountId: account.accountId)]))
        }
        table.add("POST", "/__sim/accounts/{accountId}/clients", .control, "Create an API client",
            RouteDoc.json(201, APIClient.schema).optionalBody { try ProvisioningRequests.client($0, accountId: "") }
                .link("GetClient", "GET", "/__sim/accounts/{accountId}/clients/{clientId}", ["clientId": "$response.body#/clientId"])
                .link("DeleteClient", "DELETE", "/__sim/accounts/{accountId}/clients/{clientId}", ["clientId": "$response.body#/clientId"])) {
            request in
            let account = try self.store.requireAccount(request)
            let client = try ProvisioningRequests.client(request.optionalJSONObject(), accountId: account.accountId)
            return .respond(JSONResponses.json(201, try self.store.createClient(client)))
        }
        table.add("GET", "/__sim/accounts/{accountId}/clients/{clientId}", .control, "Read an API client",
            .json(200, APIClient.schema)) { request in
            let account = try self.store.requireAccount(request)
            guard let client = try self.store.client(accountId: account.accountId, clientId: request.parameter("clientId")) else {
                throw AXPSimError.notFound(resource: "client", id: request.parameter("clientId"))
            }
            return .respond(JSONResponses.json(200, client))
        }
        table.add("DELETE", "/__sim/accounts/{accountId}/clients/{clientId}", .control, "Delete an API client and its access tokens", .noContent) {
            request in
            let account = try self.store.requireAccount(request)
            guard try self.store.deleteClient(accountId: account.accountId, clientId: request.parameter("clientId")) else {
                throw AXPSimError.notFound(resource: "client", id: request.parameter("clientId"))
            }
            return .respond(.empty(204))
        }
        table.add("GET", "/__sim/accounts/{accountId}/appkeys", .control, "List app keys",
            .json(200, .record(["appKeys": .array(AppKey.schema)]))) { request in
            let account = try self.store.requireAccount(request)
            return .respond(JSONResponses.json(200, ["appKeys": try self.store.appKeys(accountId: account.accountId)]))
        }
        table.add("POST", "/__sim/accounts/{accountId}/appkeys", .control, "Create an app key",
            RouteDoc.json(201, AppKey.schema).optionalBody { try ProvisioningRequests.appKey($0, accountId: "") }
                .link("DeleteAppKey", "DELETE", "/__sim/accounts/{accountId}/appkeys/{appKey}", ["appKey": "$response.body#/appKey"])) {
            request in
            let account = try self.store.requireAccount(request)
            let key = try ProvisioningRequests.appKey(request.optionalJSONObject(), accountId: account.accountId)
            return .respond(JSONResponses.json(201, try self.store.createAppKey(key)))
        }
        table.add("DELETE", "/__sim/accounts/{accountId}/appkeys/{appKey}", .control, "Delete an app key", .noContent) { request in
            let account = try self.store.requireAccount(request)
            guard try self.store.deleteAppKey(accountId: account.accountId, appKey: request.parameter("appKey")) else {
                throw AXPSimError.notFound(resource: "appkey", id: request.parameter("appKey"))
            }
            return .respond(.empty(204))
        }
    }

    // MARK: Integrations

    private func addIntegrationRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/accounts/{accountId}/integrations", .control, "List integrations",
            .json(200, .record(["integrations": .array(Integration.schema)]))) { request in
            let account = try self.store.requireAccount(request)
            return .respond(JSONResponses.json(200, ["integrations": try self.store.integrations(accountId: account.accountId)]))
        }
        table.add("POST", "/__sim/accounts/{accountId}/integrations", .control, "Create an integration (its integrationId is generated)",
            Self.integrationLinks(.json(201, Integration.schema).body { try ProvisioningRequests.integration($0, accountId: "") })) {
            request in
            let account = try self.store.requireAccount(request)
            let integration = try ProvisioningRequests.integration(request.jsonObject(), accountId: account.accountId)
            try self.checkRouting(integration)
            return .respond(JSONResponses.json(201, try self.store.createIntegration(integration)))
        }
        table.add("GET", "/__sim/accounts/{accountId}/integrations/{integrationId}", .control, "Read an integration",
            .json(200, Integration.schema)) { request in
            .respond(JSONResponses.json(200, try self.store.requireIntegration(request)))
        }
        table.add("PATCH", "/__sim/accounts/{accountId}/integrations/{integrationId}", .control, "Update an integration",
            .json(200, Integration.schema).body {
                try ProvisioningRequests.integration($0, accountId: "", current: Integration(integrationId: "", accountId: "", name: ""))
            }) {
            request in
            let current = try self.store.requireIntegration(request)
            let updated = try ProvisioningRequests.integration(request.jsonObject(), accountId: current.accountId, current: current)
            try self.checkRouting(updated)
            try self.store.updateIntegration(updated)
            return .respond(JSONResponses.json(200, updated))
        }
        table.add("DELETE", "/__sim/accounts/{accountId}/integrations/{integrationId}", .control, "Delete an integration", .noContent) {
            request in
            let current = try self.store.requireIntegration(request)
            try self.store.deleteIntegration(accountId: current.accountId, integrationId: current.integrationId)
            return .respond(.empty(204))
        }
    }

    /// Checks an integration's routing against the account's queues: a 400 violation per problem
    /// (unknown queues, paths that are no context data, rules that can never match).
    private func checkRouting(_ integration: Integration) throws {
        let queues = Set(try store.chatRead { try $0.queues(accountId: integration.accountId) }.map(\.queueId))
        let problems = integration.routing.problems(queues: queues)
        if !problems.isEmpty { throw AXPSimError.constraintViolation(problems.map(\.violation)) }
    }

    /// What a new integration's id feeds.
    private static func integrationLinks(_ doc: RouteDoc) -> RouteDoc {
        let integration = "/__sim/accounts/{accountId}/integrations/{integrationId}"
        let id = ["integrationId": "$response.body#/integrationId"]
        return doc.link("GetIntegration", "GET", integration, id).link("UpdateIntegration", "PATCH", integration, id)
            .link("DeleteIntegration", "DELETE", integration, id)
    }
}
