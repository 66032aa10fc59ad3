import AXPSimCore
import Foundation
import GRDB

/// What authenticating one back-end call (Generate JWT Token) reads from the store, read in one
/// transaction (one hop onto a reader instead of three, and one consistent snapshot) — or from
/// memory (``BackendAuthenticationCache``).
public struct BackendAuthenticationRows: Sendable, Equatable {
    /// Whether the path's account exists.
    public var accountExists: Bool
    /// Whether the request's app key belongs to the account; nil when no app key was given (or
    /// the account does not exist).
    public var appKeyKnown: Bool?
    /// The row of the bearer access token, of any account (nil when unknown or none was given, or
    /// the account does not exist). Its expiry is the caller's to check, on the account clock.
    public var accessToken: AccessToken?

    /// The rows as read.
    public init(accountExists: Bool, appKeyKnown: Bool?, accessToken: AccessToken?) {
        self.accountExists = accountExists
        self.appKeyKnown = appKeyKnown
        self.accessToken = accessToken
    }
}

/// The arguments of one back-end authentication read.
struct BackendAuthenticationKey: Hashable, Sendable {
    let accountId: String
    let appKey: String?
    let bearer: String?
}

/// ``BackendAuthenticationRows`` kept until an account, app key or access token changes (minting a
/// chat token changes none of them).
typealias BackendAuthenticationCache = CommittedRowsCache<BackendAuthenticationKey, BackendAuthenticationRows>

extension BackendAuthenticationCache {
    /// An empty cache of back-end authentication rows.
    static func backendAuthentication() -> BackendAuthenticationCache {
        BackendAuthenticationCache(tables: ["account", "app_key", "access_token"])
    }
}

extension Store {
    /// The rows ``BackendAuthenticationRows`` describes for a call on `accountId` carrying `appKey`
    /// and the bearer token `bearer` (nil when absent): in one read transaction, or from memory
    /// when no account, app key or access token changed since they were last read.
    public func backendAuthenticationRows(accountId: String, appKey: String?, bearer: String?) throws -> BackendAuthenticationRows {
        try backendAuthenticationCache.rows(BackendAuthenticationKey(accountId: accountId, appKey: appKey, bearer: bearer)) {
            try readBackendAuthenticationRows(accountId: accountId, appKey: appKey, bearer: bearer)
        }
    }

    /// ``backendAuthenticationRows(accountId:appKey:bearer:)`` read from the database.
    func readBackendAuthenticationRows(accountId: String, appKey: String?, bearer: String?) throws -> BackendAuthenticationRows {
        try read { db in
            let accountExists = try Self.accountExists(accountId, db: db)
            guard accountExists else { return BackendAuthenticationRows(accountExists: false, appKeyKnown: nil, accessToken: nil) }
            let appKeyKnown = try appKey.map { try Self.hasAppKey(accountId: accountId, appKey: $0, db: db) }
            return BackendAuthenticationRows(
                accountExists: true, appKeyKnown: appKeyKnown, accessToken: try bearer.flatMap { try Self.accessToken($0, db: db) })
        }
    }
}
