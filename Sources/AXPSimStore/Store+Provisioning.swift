import AXPSimCore
import Foundation
import GRDB

/// Accounts, API clients, app keys and integrations.
extension Store {
    // MARK: Accounts

    /// Inserts an account; a duplicate id → ``AXPSimError/duplicate(resource:id:)``.
    public func createAccount(_ account: Account, now: Date) throws -> Account {
        try write { db in try Self.insertAccount(account, now: now, db: db) }
        return account
    }

    static func insertAccount(_ account: Account, now: Date, db: Database) throws {
        try mapDuplicate(resource: "account", id: account.accountId) {
            try db.execute(
                sql: "INSERT INTO account (account_id, name, created_at) VALUES (?, ?, ?)",
                arguments: [account.accountId, account.name, Timestamp.millis(now)])
        }
    }

    /// The account, or nil.
    public func account(_ accountId: String) throws -> Account? {
        try read { db in
            try Row.mapOne(db.cachedStatement(sql: "SELECT account_id, name FROM account WHERE account_id = ?"), arguments: [accountId]) { Account(accountId: $0[0], name: $0[1]) }
        }
    }

    /// Every account, ordered by id.
    public func accounts() throws -> [Account] {
        try read { db in
            try Row.mapAll(db.cachedStatement(sql: "SELECT account_id, name FROM account ORDER BY account_id")) { Account(accountId: $0[0], name: $0[1]) }
        }
    }

    /// Renames an account.
    public func updateAccount(_ account: Account) throws {
        try write { db in
            try db.execute(sql: "UPDATE account SET name = ? WHERE account_id = ?", arguments: [account.name, account.accountId])
        }
    }

    /// Deletes an account and everything it owns; false when it did not exist.
    @discardableResult
    public func deleteAccount(_ accountId: String) throws -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM account WHERE account_id = ?", arguments: [accountId])
            return db.changesCount > 0
        }
    }

    // MARK: API clients

    /// Inserts an API client.
    public func createClient(_ client: APIClient) throws -> APIClient {
        try write { db in try Self.insertClient(client, db: db) }
        return client
    }

    static func insertClient(_ client: APIClient, db: Database) throws {
        try mapDuplicate(resource: "client", id: client.clientId) {
            try db.execute(
                sql: "INSERT INTO api_client (account_id, client_id, client_secret) VALUES (?, ?, ?)",
                arguments: [client.accountId, client.clientId, client.clientSecret])
        }
    }

    /// The account's API clients.
    public func clients(accountId: String) throws -> [APIClient] {
        try read { db in
            try Row.mapAll(
                db, sql: "SELECT client_id, client_secret FROM api_client WHERE account_id = ? ORDER BY client_id", arguments: [accountId]
            ) { APIClient(accountId: accountId, clientId: $0[0], clientSecret: $0[1]) }
        }
    }

    /// One API client of the account, or nil.
    public func client(accountId: String, clientId: String) throws -> APIClient? {
        try read { db in
            try Row.mapOne(
                db, sql: "SELECT client_secret FROM api_client WHERE account_id = ? AND client_id = ?", arguments: [accountId, clientId]
            ) { APIClient(accountId: accountId, clientId: clientId, clientSecret: $0[0]) }
        }
    }

    /// Deletes an API client (and the access tokens granted to it).
    @discardableResult
    public func deleteClient(accountId: String, clientId: String) throws -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM access_token WHERE account_id = ? AND client_id = ?", arguments: [accountId, clientId])
            try db.execute(sql: "DELETE FROM api_client WHERE account_id = ? AND client_id = ?", arguments: [accountId, clientId])
            return db.changesCount > 0
        }
    }

    // MARK: App keys

    /// Inserts an app key.
    public func createAppKey(_ key: AppKey) throws -> AppKey {
        try write { db in try Self.insertAppKey(key, db: db) }
        return key
    }

    static func insertAppKey(_ key: AppKey, db: Database) throws {
        try mapDuplicate(resource: "appkey", id: key.appKey) {
            try db.execute(sql: "INSERT INTO app_key (account_id, app_key) VALUES (?, ?)", arguments: [key.accountId, key.appKey])
        }
    }

    /// The account's app keys.
    public func appKeys(accountId: String) throws -> [AppKey] {
        try read { db in
            try String.fetchAll(db.cachedStatement(sql: "SELECT app_key FROM app_key WHERE account_id = ? ORDER BY app_key"), arguments: [accountId])
                .map { AppKey(accountId: accountId, appKey: $0) }
        }
    }

    /// True when `appKey` is a key of the account.
    public func hasAppKey(accountId: String, appKey: String) throws -> Bool {
        try read { db in try Self.hasAppKey(accountId: accountId, appKey: appKey, db: db) }
    }

    /// ``hasAppKey(accountId:appKey:)`` inside the caller's transaction.
    static func hasAppKey(accountId: String, appKey: String, db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM app_key WHERE account_id = ? AND app_key = ?)"), arguments: [accountId, appKey])
            ?? false
    }

    /// Whether the account exists, inside the caller's transaction.
    static func accountExists(_ accountId: String, db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM account WHERE account_id = ?)"), arguments: [accountId]) ?? false
    }

    /// Deletes an app key.
    @discardableResult
    public func deleteAppKey(accountId: String, appKey: String) throws -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM app_key WHERE account_id = ? AND app_key = ?", arguments: [accountId, appKey])
            return db.changesCount > 0
        }
    }

    // MARK: Integrations

    /// Inserts an integration.
    public func createIntegration(_ integration: Integration) throws -> Integration {
        try write { db in try Self.insertIntegration(integration, db: db) }
        return integration
    }

    static func insertIntegration(_ integration: Integration, db: Database) throws {
        try mapDuplicate(resource: "integration", id: integration.integrationId) {
            try db.execute(
                sql: """
                    INSERT INTO integration (integration_id, account_id, name, default_ttl_minutes, min_ttl_minutes,
                      max_ttl_minutes, reminder_lead_seconds, idle_timeout_seconds, queue, routing_attributes, scenario, max_open_engagements,
                      routing_rules)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: integrationArguments(integration))
        }
    }

    private static func integrationArguments(_ i: Integration) -> StatementArguments {
        [
            i.integrationId, i.accountId, i.name, i.defaultTtlMinutes, i.minTtlMinutes, i.maxTtlMinutes,
            i.reminderLeadSeconds, i.idleTimeoutSeconds, i.queue, JSONColumn.encode(i.routingAttributes), i.scenario, i.maxOpenEngagements,
            i.routingRules.isEmpty ? nil : String(decoding: i.routing.json.jsonData, as: UTF8.self),
        ]
    }

    static let integrationColumns = """
        integration_id, account_id, name, default_ttl_minutes, min_ttl_minutes, max_ttl_minutes,
        reminder_lead_seconds, idle_timeout_seconds, queue, routing_attributes, scenario, max_open_engagements, routing_rules
        """

    static func integration(row: Row) throws -> Integration {
        var integration = Integration(
            integrationId: row[0], accountId: row[1], name: row[2], defaultTtlMinutes: row[3], minTtlMinutes: row[4],
            maxTtlMinutes: row[5], reminderLeadSeconds: row[6], idleTimeoutSeconds: row[7], queue: row[8],
            routingAttributes: JSONColumn.decode([String: String].self, from: row[9]), scenario: row[10], maxOpenEngagements: row[11])
        if let text: String = row[12] {
            integration.routingRules = try RoutingRequests.rules(of: JSONValue.parse(Data(text.utf8)))
        }
        return integration
    }

    /// One integration of the account (nil for unknown ids and ids of other accounts): from memory
    /// while no account or integration changed since it was last read (``IntegrationCache``).
    public func integration(accountId: String, integrationId: String) throws -> Integration? {
        try integrationCache.rows(IntegrationKey(accountId: accountId, integrationId: integrationId)) {
            try read { db in try Self.integration(accountId: accountId, integrationId: integrationId, db: db) }
        }
    }

    /// A number that moves with every commit that changes an account or an integration: an
    /// integration read after it was taken is still current while it has not moved (read inside
    /// a write transaction, it reflects every commit before that transaction).
    public var integrationGeneration: UInt64 { integrationCache.generation.current }

    static func integration(accountId: String, integrationId: String, db: Database) throws -> Integration? {
        try Row.mapOne(
            db.cachedStatement(sql: "SELECT \(integrationColumns) FROM integration WHERE integration_id = ? AND account_id = ?"),
            arguments: [integrationId.lowercased(), accountId], integration(row:))
    }

    /// An integration by id alone (for SDK calls, whose path names only the integration).
    public func integration(id integrationId: String) throws -> Integration? {
        try read { db in
            try Row.mapOne(
                db.cachedStatement(sql: "SELECT \(Self.integrationColumns) FROM integration WHERE integration_id = ?"),
                arguments: [integrationId.lowercased()], Self.integration(row:))
        }
    }

    /// The account's integrations, by name.
    public func integrations(accountId: String) throws -> [Integration] {
        try read { db in
            try Row.mapAll(
                db, sql: "SELECT \(Self.integrationColumns) FROM integration WHERE account_id = ? ORDER BY name, integration_id",
                arguments: [accountId], Self.integration(row:))
        }
    }

    /// Replaces an integration's settings.
    public func updateIntegration(_ integration: Integration) throws {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE integration SET account_id = ?2, name = ?3, default_ttl_minutes = ?4, min_ttl_minutes = ?5,
                      max_ttl_minutes = ?6, reminder_lead_seconds = ?7, idle_timeout_seconds = ?8, queue = ?9,
                      routing_attributes = ?10, scenario = ?11, max_open_engagements = ?12, routing_rules = ?13
                    WHERE integration_id = ?1
                    """,
                arguments: Self.integrationArguments(integration))
        }
    }

    /// Deletes an integration.
    @discardableResult
    public func deleteIntegration(accountId: String, integrationId: String) throws -> Bool {
        try write { db in
            try db.execute(
                sql: "DELETE FROM integration WHERE account_id = ? AND integration_id = ?", arguments: [accountId, integrationId.lowercased()])
            return db.changesCount > 0
        }
    }

    // MARK: Helpers

    /// Runs `body`, turning a primary-key or unique violation into ``AXPSimError/duplicate(resource:id:)``.
    static func mapDuplicate(resource: String, id: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY || error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
        {
            throw AXPSimError.duplicate(resource: resource, id: id)
        }
    }
}
