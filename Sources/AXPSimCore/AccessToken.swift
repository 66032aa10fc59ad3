import Foundation

/// An OAuth access token granted to an API client by the client-credentials flow.
public struct AccessToken: Sendable, Equatable {
    public var token: String
    public var accountId: String
    public var clientId: String
    public var issuedAt: Date
    public var expiresAt: Date

    public init(token: String, accountId: String, clientId: String, issuedAt: Date, expiresAt: Date) {
        self.token = token
        self.accountId = accountId
        self.clientId = clientId
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}
