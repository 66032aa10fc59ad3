import AXPSimCore
import Foundation
import GRDB

/// What authenticating one Chat SDK call reads from the store, read in one transaction (one hop
/// onto a reader instead of four, and one consistent snapshot).
public struct SDKAuthenticationRows: Sendable {
    /// Whether the token's account exists.
    public var accountExists: Bool
    /// The issued-token row of the token's `jti` (revocation, early expiry), or nil.
    public var issuedToken: IssuedToken?
    /// Whether the request's app key belongs to the account; nil when no app key was given.
    public var appKeyKnown: Bool?
    /// The path's integration in the account, or nil.
    public var integration: Integration?
}

/// The arguments of one SDK authentication read.
struct SDKAuthenticationKey: Hashable, Sendable {
    let accountId: String
    let jti: String
    let appKey: String?
    let integrationId: String
}

/// ``SDKAuthenticationRows`` kept until an account, app key, integration or issued token changes.
typealias SDKAuthenticationCache = CommittedRowsCache<SDKAuthenticationKey, SDKAuthenticationRows>

extension SDKAuthenticationCache {
    /// An empty cache of SDK authentication rows.
    static func sdkAuthentication() -> SDKAuthenticationCache {
        SDKAuthenticationCache(tables: ["account", "app_key", "integration", "issued_token"])
    }
}

extension Store {
    /// The rows ``SDKAuthenticationRows`` describes, in one read transaction — or from memory
    /// when no account, app key, integration or issued token changed since they were last read
    /// (``SDKAuthenticationCache``).
    public func sdkAuthenticationRows(accountId: String, jti: String, appKey: String?, integrationId: String) throws -> SDKAuthenticationRows {
        let key = SDKAuthenticationKey(accountId: accountId, jti: jti, appKey: appKey, integrationId: integrationId)
        return try sdkAuthenticationCache.rows(key) {
            try readSDKAuthenticationRows(accountId: accountId, jti: jti, appKey: appKey, integrationId: integrationId)
        }
    }

    /// ``sdkAuthenticationRows(accountId:jti:appKey:integrationId:)`` read from the database.
    func readSDKAuthenticationRows(accountId: String, jti: String, appKey: String?, integrationId: String) throws -> SDKAuthenticationRows {
        try read { db in
            let accountExists = try Self.accountExists(accountId, db: db)
            guard accountExists else { return SDKAuthenticationRows(accountExists: false, issuedToken: nil, appKeyKnown: nil, integration: nil) }
            let appKeyKnown = try appKey.map { try Self.hasAppKey(accountId: accountId, appKey: $0, db: db) }
            return SDKAuthenticationRows(
                accountExists: true, issuedToken: try Self.issuedToken(jti: jti, db: db), appKeyKnown: appKeyKnown,
                integration: try Self.integration(accountId: accountId, integrationId: integrationId, db: db))
        }
    }
}
