import GRDB

extension Store {
    /// Versioned schema migrations. Never edit a shipped migration: add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-foundation") { db in
            try db.execute(sql: """
                CREATE TABLE account (
                    account_id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE api_client (
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    client_id TEXT NOT NULL,
                    client_secret TEXT NOT NULL,
                    PRIMARY KEY (account_id, client_id)
                );
                CREATE TABLE app_key (
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    app_key TEXT NOT NULL,
                    PRIMARY KEY (account_id, app_key)
                );
                CREATE TABLE integration (
                    integration_id TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    default_ttl_minutes INTEGER NOT NULL,
                    min_ttl_minutes INTEGER NOT NULL,
                    max_ttl_minutes INTEGER NOT NULL,
                    reminder_lead_seconds INTEGER NOT NULL,
                    idle_timeout_seconds INTEGER,
                    queue TEXT,
                    routing_attributes TEXT,
                    scenario TEXT
                );
                CREATE INDEX integration_account ON integration(account_id);
                CREATE TABLE access_token (
                    token TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    client_id TEXT NOT NULL,
                    issued_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                CREATE INDEX access_token_account ON access_token(account_id);
                CREATE TABLE customer (
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    customer_id TEXT NOT NULL,
                    verified INTEGER NOT NULL,
                    display_name TEXT,
                    identifiers TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (account_id, customer_id)
                );
                CREATE TABLE issued_token (
                    jti TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    integration_id TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    issued_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    revoked_at INTEGER
                );
                CREATE INDEX issued_token_account ON issued_token(account_id);
                CREATE TABLE clock (
                    account_id TEXT PRIMARY KEY NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    mode TEXT NOT NULL,
                    virtual_now INTEGER
                );
                CREATE TABLE signing_key (
                    kid TEXT PRIMARY KEY NOT NULL,
                    private_key_pem TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    active INTEGER NOT NULL
                );
                CREATE TABLE setting (
                    name TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                );
                """)
        }
        return migrator
    }
}
