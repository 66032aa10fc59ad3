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
