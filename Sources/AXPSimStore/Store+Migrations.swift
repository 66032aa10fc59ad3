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
        migrator.registerMigration("v2-chats") { db in
            try db.execute(sql: """
                CREATE TABLE chat_session (
                    session_id TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    integration_id TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    display_name TEXT,
                    session_parameters TEXT NOT NULL,
                    client_type TEXT NOT NULL,
                    state TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    closed_at INTEGER,
                    close_reason TEXT,
                    token_jti TEXT NOT NULL,
                    token_expires_at INTEGER NOT NULL,
                    last_event_seq INTEGER NOT NULL DEFAULT 0,
                    poll_ack_seq INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX chat_session_customer ON chat_session(account_id, customer_id);
                CREATE TABLE engagement (
                    engagement_id TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    integration_id TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    dialog_id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    engagement_parameters TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    ended_at INTEGER,
                    end_reason TEXT,
                    created_by_session TEXT NOT NULL,
                    last_message_index INTEGER NOT NULL DEFAULT 0,
                    last_customer_activity_at INTEGER NOT NULL
                );
                CREATE INDEX engagement_customer ON engagement(account_id, customer_id);
                CREATE TABLE participant (
                    participant_id TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    engagement_id TEXT NOT NULL,
                    participant_type TEXT NOT NULL,
                    display_name TEXT NOT NULL,
                    session_id TEXT,
                    joined_at INTEGER NOT NULL,
                    left_at INTEGER
                );
                CREATE INDEX participant_engagement ON participant(engagement_id);
                CREATE TABLE message (
                    message_id TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    engagement_id TEXT NOT NULL,
                    dialog_id TEXT NOT NULL,
                    message_index INTEGER NOT NULL,
                    parent_message_id TEXT,
                    participant_id TEXT NOT NULL,
                    participant_type TEXT NOT NULL,
                    display_name TEXT NOT NULL,
                    body TEXT NOT NULL,
                    received_at INTEGER NOT NULL,
                    sender_session_id TEXT,
                    UNIQUE (engagement_id, message_index)
                );
                CREATE TABLE engagement_follower (
                    engagement_id TEXT NOT NULL,
                    session_id TEXT NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    joined_at INTEGER NOT NULL,
                    PRIMARY KEY (engagement_id, session_id)
                );
                CREATE INDEX engagement_follower_session ON engagement_follower(session_id);
                CREATE TABLE event (
                    journal_id INTEGER PRIMARY KEY AUTOINCREMENT,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    session_id TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    event_type TEXT NOT NULL,
                    engagement_id TEXT,
                    created_at INTEGER NOT NULL,
                    fields TEXT NOT NULL,
                    UNIQUE (session_id, seq)
                );
                CREATE INDEX event_account ON event(account_id, journal_id);
                CREATE TABLE timer (
                    timer_id INTEGER PRIMARY KEY AUTOINCREMENT,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    due_at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    target TEXT NOT NULL,
                    detail TEXT NOT NULL
                );
                CREATE INDEX timer_due ON timer(due_at, timer_id);
                CREATE INDEX timer_target ON timer(target, kind);
                """)
        }
        migrator.registerMigration("v3-scenario-runs") { db in
            // One row per scenario run: what it executes and where it is (see StoredScenarioRun);
            // its progress lines apart, appended as they come (a run's state stays small).
            try db.execute(sql: """
                CREATE TABLE scenario_run (
                    run_id TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    role TEXT NOT NULL,
                    status TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    scenario TEXT NOT NULL,
                    integration TEXT NOT NULL,
                    state TEXT NOT NULL,
                    started_at INTEGER NOT NULL,
                    finished_at INTEGER
                );
                CREATE INDEX scenario_run_account ON scenario_run(account_id);
                CREATE INDEX scenario_run_finished ON scenario_run(finished_at);
                CREATE TABLE scenario_run_step (
                    run_id TEXT NOT NULL REFERENCES scenario_run(run_id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    line INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    status TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    detail TEXT,
                    PRIMARY KEY (run_id, position)
                );
                """)
        }
        migrator.registerMigration("v4-conversations") { db in
            try db.execute(sql: """
                CREATE TABLE conversation (
                    conversation_id TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    integration_id TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    last_message_index INTEGER NOT NULL DEFAULT 0,
                    UNIQUE (account_id, integration_id, customer_id)
                );
                ALTER TABLE integration ADD COLUMN max_open_engagements INTEGER;
                ALTER TABLE chat_session ADD COLUMN family TEXT NOT NULL DEFAULT 'chat';
                ALTER TABLE chat_session ADD COLUMN participant_id TEXT;
                ALTER TABLE engagement ADD COLUMN conversation_id TEXT;
                CREATE INDEX engagement_conversation ON engagement(conversation_id);
                ALTER TABLE message ADD COLUMN attachments TEXT;
                ALTER TABLE message ADD COLUMN conversation_index INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX message_conversation ON message(account_id, engagement_id, conversation_index);
                CREATE TABLE attachment (
                    attachment_id TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    session_id TEXT,
                    engagement_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    content_type TEXT NOT NULL,
                    declared_size INTEGER NOT NULL,
                    size INTEGER,
                    data BLOB,
                    state TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    upload_expires_at INTEGER NOT NULL,
                    message_id TEXT
                );
                CREATE INDEX attachment_engagement ON attachment(engagement_id);
                """)
        }
        migrator.registerMigration("v5-attachments") { db in
            // The attachment table of v4 with when its bytes arrived (its `data` BLOB holds them,
            // so they go with their account, reset, retention and snapshots), and the index the
            // per-account deletes use.
            try db.execute(sql: """
                ALTER TABLE attachment ADD COLUMN uploaded_at INTEGER;
                CREATE INDEX attachment_account ON attachment(account_id);
                """)
        }
        migrator.registerMigration("v6-routing") { db in
            // Routing (SPEC section 10): an integration's rules; an account's queues (provisioning:
            // each queue's definition with its agents and their states, as JSON); and per chat its
            // route and its place in a queue (runtime).
            try db.execute(sql: """
                ALTER TABLE integration ADD COLUMN routing_rules TEXT;
                CREATE TABLE routing_queue (
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    queue_id TEXT NOT NULL,
                    definition TEXT NOT NULL,
                    PRIMARY KEY (account_id, queue_id)
                );
                CREATE TABLE engagement_route (
                    engagement_id TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    decision TEXT NOT NULL,
                    routed_at INTEGER NOT NULL
                );
                CREATE INDEX engagement_route_account ON engagement_route(account_id);
                CREATE TABLE queue_entry (
                    engagement_id TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(account_id) ON DELETE CASCADE,
                    queue_id TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    enqueued_at INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    routing_attributes TEXT NOT NULL,
                    agent_id TEXT,
                    participant_id TEXT,
                    last_position INTEGER,
                    last_estimate INTEGER
                );
                CREATE INDEX queue_entry_queue ON queue_entry(account_id, queue_id, state, seq);
                """)
        }
        return migrator
    }
}
