import Foundation

/// A chat JWT minted by the Generate JWT Token API (or `axpsim token`), remembered for revocation.
public struct IssuedToken: Sendable, Equatable, Codable {
    public var jti: String
    public var accountId: String
    public var integrationId: String
    public var customerId: String
    public var issuedAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(jti: String, accountId: String, integrationId: String, customerId: String, issuedAt: Date, expiresAt: Date, revokedAt: Date? = nil) {
        self.jti = jti
        self.accountId = accountId
        self.integrationId = integrationId
        self.customerId = customerId
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}
