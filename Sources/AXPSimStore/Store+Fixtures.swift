import AXPSimCore
import Foundation
import GRDB

/// Loading fixtures and resetting to them.
extension Store {
    /// Inserts whatever of `fixtures` is missing, keeping what exists (so a restart on the same
    /// file neither duplicates nor reverts anything).
    public func loadFixtures(_ fixtures: [ProvisionedAccount], now: Date) throws {
        try write { db in
            for item in fixtures {
                if try !Bool(exists: db, table: "account", column: "account_id", value: item.account.accountId) {
                    try Self.insertAccount(item.account, now: now, db: db)
                }
                for client in item.clients {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO api_client (account_id, client_id, client_secret) VALUES (?, ?, ?)",
                        arguments: [client.accountId, client.clientId, client.clientSecret])
                }
                for key in item.appKeys {
                    try db.execute(sql: "INSERT OR IGNORE INTO app_key (account_id, app_key) VALUES (?, ?)", arguments: [key.accountId, key.appKey])
                }
                for queue in item.queues {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO routing_queue (account_id, queue_id, definition) VALUES (?, ?, ?)",
                        arguments: [queue.accountId, queue.queueId, try ChatTransaction.encode(queue)])
                }
                for integration in item.integrations
                where try !Bool(exists: db, table: "integration", column: "integration_id", value: integration.integrationId) {
                    try Self.insertIntegration(integration, db: db)
                }
            }
        }
    }

    /// Deletes every account and its data, then inserts `fixtures` (signing keys stay).
    public func replaceAll(with fixtures: [ProvisionedAccount], now: Date) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM account")
            for item in fixtures { try Self.insertProvisioned(item, now: now, db: db) }
        }
    }

    /// Resets one account: its runtime data is deleted; its provisioning goes back to `fixture`
    /// when it is a fixture account, and stays as it is otherwise. Other accounts are untouched.
    public func resetAccount(_ accountId: String, to fixture: ProvisionedAccount?, now: Date) throws {
        try write { db in
            if let fixture {
                try db.execute(sql: "DELETE FROM account WHERE account_id = ?", arguments: [accountId])
                try Self.insertProvisioned(fixture, now: now, db: db)
            } else {
                for table in Self.runtimeTables {
                    try db.execute(sql: "DELETE FROM \(table) WHERE account_id = ?", arguments: [accountId])
                }
            }
        }
    }

    /// Tables holding an account's runtime (not provisioning) data.
    static let runtimeTables = [
        "access_token", "issued_token", "customer", "clock", "chat_session", "engagement", "participant", "message",
        "engagement_follower", "event", "timer", "scenario_run", "attachment", "conversation", "engagement_route", "queue_entry",
    ]

    private static func insertProvisioned(_ item: ProvisionedAccount, now: Date, db: Database) throws {
        try insertAccount(item.account, now: now, db: db)
        for client in item.clients { try insertClient(client, db: db) }
        for key in item.appKeys { try insertAppKey(key, db: db) }
        for queue in item.queues { try insertQueue(queue, db: db) }
        for integration in item.integrations { try insertIntegration(integration, db: db) }
    }
}

extension Bool {
    /// Whether a row with `column = value` exists in `table` (names are trusted constants).
    init(exists db: Database, table: String, column: String, value: String) throws {
        self = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE \(column) = ?)", arguments: [value]) ?? false
    }
}
