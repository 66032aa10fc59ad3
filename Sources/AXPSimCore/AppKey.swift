import Foundation

/// An API-gateway application key of an account, sent as the `appkey` header.
public struct AppKey: Sendable, Equatable, Codable {
    public var accountId: String
    public var appKey: String

    public init(accountId: String, appKey: String) {
        self.accountId = accountId
        self.appKey = appKey
    }
}

extension AppKey {
    /// The JSON shape of an encoded app key.
    public static let schema = JSONSchema.ref("AppKey", .record(["accountId": .string(), "appKey": .string()]))
}
