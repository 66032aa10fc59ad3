import AXPSimCore
import Foundation
import GRDB

/// A persisted RSA signing key for chat JWTs.
public struct StoredSigningKey: Sendable, Equatable {
    public var kid: String
    public var privateKeyPEM: String
    public var createdAt: Date
    public var active: Bool

    public init(kid: String, privateKeyPEM: String, createdAt: Date, active: Bool) {
        self.kid = kid
        self.privateKeyPEM = privateKeyPEM
        self.createdAt = createdAt
        self.active = active
    }
}

/// Signing keys and free-form settings.
extension Store {
    /// Every signing key, oldest first.
    public func signingKeys() throws -> [StoredSigningKey] {
        try read { db in
            try Row.mapAll(db.cachedStatement(sql: "SELECT kid, private_key_pem, created_at, active FROM signing_key ORDER BY created_at, kid")) {
                StoredSigningKey(kid: $0[0], privateKeyPEM: $0[1], createdAt: Timestamp.date(millis: $0[2]), active: $0[3])
            }
        }
    }

    /// Adds `key` as the only active key (older keys stay published for verification).
    public func addActiveSigningKey(_ key: StoredSigningKey) throws {
        try write { db in
            try db.execute(sql: "UPDATE signing_key SET active = 0")
            try db.execute(
                sql: "INSERT INTO signing_key (kid, private_key_pem, created_at, active) VALUES (?, ?, ?, 1)",
                arguments: [key.kid, key.privateKeyPEM, Timestamp.millis(key.createdAt)])
        }
    }

    /// A stored setting, or nil.
    public func setting(_ name: String) throws -> String? {
        try read { db in try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM setting WHERE name = ?"), arguments: [name]) }
    }

    /// Stores a setting.
    public func setSetting(_ name: String, value: String) throws {
        try write { db in
            try db.execute(
                sql: "INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                arguments: [name, value])
        }
    }

    /// The stored setting `name`; when there is none, `value` is stored and returned (in one
    /// transaction, so two callers agree on the first value).
    public func setting(_ name: String, orInsert value: String) throws -> String {
        try write { db in
            if let existing = try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM setting WHERE name = ?"), arguments: [name]) { return existing }
            try db.execute(sql: "INSERT INTO setting (name, value) VALUES (?, ?)", arguments: [name, value])
            return value
        }
    }
}
