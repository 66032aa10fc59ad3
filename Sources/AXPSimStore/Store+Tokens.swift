import AXPSimCore
import Foundation
import GRDB

/// OAuth access tokens, issued chat JWTs and the customers they name.
extension Store {
    /// Stores a granted access token.
    public func insertAccessToken(_ token: AccessToken) throws {
        try write { db in
            try db.cachedStatement(
                sql: "INSERT INTO access_token (token, account_id, client_id, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)").execute(
                arguments: [token.token, token.accountId, token.clientId, Timestamp.millis(token.issuedAt), Timestamp.millis(token.expiresAt)])
        }
    }

    /// An access token by its value, or nil.
    public func accessToken(_ token: String) throws -> AccessToken? {
        try read { db in try Self.accessToken(token, db: db) }
    }

    /// ``accessToken(_:)`` inside the caller's transaction.
    static func accessToken(_ token: String, db: Database) throws -> AccessToken? {
        try Row.mapOne(
            db.cachedStatement(sql: "SELECT account_id, client_id, issued_at, expires_at FROM access_token WHERE token = ?"), arguments: [token]
        ) {
            AccessToken(
                token: token, accountId: $0[0], clientId: $0[1], issuedAt: Timestamp.date(millis: $0[2]),
                expiresAt: Timestamp.date(millis: $0[3]))
        }
    }

    /// Records a minted chat JWT and upserts its customer, in one transaction.
    public func recordIssuedToken(_ token: IssuedToken, customer: Customer, now: Date) throws {
        try write { db in try Self.recordIssuedToken(token, customer: customer, now: now, db: db) }
    }

    static func recordIssuedToken(_ token: IssuedToken, customer: Customer, now: Date, db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO customer (account_id, customer_id, verified, display_name, identifiers, created_at, updated_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
                ON CONFLICT (account_id, customer_id) DO UPDATE SET
                  verified = excluded.verified, display_name = excluded.display_name,
                  identifiers = excluded.identifiers, updated_at = excluded.updated_at
                """).execute(
            arguments: [
                customer.accountId, customer.customerId, customer.verified, customer.displayName,
                JSONColumn.encode(customer.customerIdentifiers), Timestamp.millis(now),
            ])
        try db.cachedStatement(
            sql: """
                INSERT INTO issued_token (jti, account_id, integration_id, customer_id, issued_at, expires_at, revoked_at)
                VALUES (?, ?, ?, ?, ?, ?, NULL)
                """).execute(
            arguments: [
                token.jti, token.accountId, token.integrationId, token.customerId, Timestamp.millis(token.issuedAt),
                Timestamp.millis(token.expiresAt),
            ])
    }

    /// An issued token by `jti`, or nil.
    public func issuedToken(jti: String) throws -> IssuedToken? {
        try read { db in try Self.issuedToken(jti: jti, db: db) }
    }

    static func issuedToken(jti: String, db: Database) throws -> IssuedToken? {
        try Row.mapOne(
            db.cachedStatement(sql: "SELECT account_id, integration_id, customer_id, issued_at, expires_at, revoked_at FROM issued_token WHERE jti = ?"),
            arguments: [jti]
        ) {
            IssuedToken(
                jti: jti, accountId: $0[0], integrationId: $0[1], customerId: $0[2], issuedAt: Timestamp.date(millis: $0[3]),
                expiresAt: Timestamp.date(millis: $0[4]), revokedAt: ($0[5] as Int64?).map(Timestamp.date(millis:)))
        }
    }

    /// Makes a token expire at `date` (earlier than its `exp`); false when unknown.
    @discardableResult
    public func expireToken(jti: String, at date: Date) throws -> Bool {
        try chatWrite { tx in try tx.expireIssuedToken(jti: jti, at: date) }
    }

    /// Marks a token revoked; false when unknown.
    @discardableResult
    public func revokeToken(jti: String, at date: Date) throws -> Bool {
        try write { db in try Self.revokeToken(jti: jti, at: date, db: db) }
    }

    static func revokeToken(jti: String, at date: Date, db: Database) throws -> Bool {
        try db.cachedStatement(
            sql: "UPDATE issued_token SET revoked_at = COALESCE(revoked_at, ?) WHERE jti = ?").execute( arguments: [Timestamp.millis(date), jti])
        return db.changesCount > 0
    }

    /// A customer of the account, or nil.
    public func customer(accountId: String, customerId: String) throws -> Customer? {
        try read { db in
            try Row.mapOne(
                db.cachedStatement(sql: "SELECT verified, display_name, identifiers FROM customer WHERE account_id = ? AND customer_id = ?"),
                arguments: [accountId, customerId]
            ) {
                Customer(
                    accountId: accountId, customerId: customerId, verified: $0[0], displayName: $0[1],
                    customerIdentifiers: JSONColumn.decode([String: [String]].self, from: $0[2]))
            }
        }
    }

    /// The account's customers, by id.
    public func customers(accountId: String) throws -> [Customer] {
        try read { db in
            try Row.mapAll(
                db.cachedStatement(sql: "SELECT customer_id, verified, display_name, identifiers FROM customer WHERE account_id = ? ORDER BY customer_id"),
                arguments: [accountId]
            ) {
                Customer(
                    accountId: accountId, customerId: $0[0], verified: $0[1], displayName: $0[2],
                    customerIdentifiers: JSONColumn.decode([String: [String]].self, from: $0[3]))
            }
        }
    }
}
