import Foundation

/// An OAuth client (client credentials) of an account, used by customer back ends.
public struct APIClient: Sendable, Equatable, Codable {
    public var accountId: String
    public var clientId: String
    public var clientSecret: String

    public init(accountId: String, clientId: String, clientSecret: String) {
        self.accountId = accountId
        self.clientId = clientId
        self.clientSecret = clientSecret
    }
}

extension APIClient {
    /// The JSON shape of an encoded API client.
    public static let schema = JSONSchema.ref("APIClient", .record(["accountId": .string(), "clientId": .string(), "clientSecret": .string()]))
}
