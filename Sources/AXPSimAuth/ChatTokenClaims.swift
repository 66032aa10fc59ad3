import Foundation
import JWTKit

/// The claims of a chat JWT (SPEC section 2).
public struct ChatTokenClaims: JWTPayload, Equatable {
    public var iss: IssuerClaim
    public var sub: SubjectClaim
    public var aud: AudienceClaim
    public var jti: IDClaim
    public var iat: IssuedAtClaim
    public var nbf: NotBeforeClaim
    public var exp: ExpirationClaim
    public var accountId: String
    public var integrationId: String
    public var customerId: String
    public var customerName: String?
    public var verifiedCustomer: Bool
    public var customerIdentifiers: [String: [String]]?

    /// The audience every chat JWT carries.
    public static let audience = "chat-sdk"

    public init(
        issuer: String, jti: String, issuedAt: Date, expiresAt: Date, accountId: String, integrationId: String, customerId: String,
        customerName: String?, verifiedCustomer: Bool, customerIdentifiers: [String: [String]]?
    ) {
        iss = IssuerClaim(value: issuer)
        sub = SubjectClaim(value: customerId)
        aud = AudienceClaim(value: Self.audience)
        self.jti = IDClaim(value: jti)
        iat = IssuedAtClaim(value: issuedAt)
        nbf = NotBeforeClaim(value: issuedAt)
        exp = ExpirationClaim(value: expiresAt)
        self.accountId = accountId
        self.integrationId = integrationId
        self.customerId = customerId
        self.customerName = customerName
        self.verifiedCustomer = verifiedCustomer
        self.customerIdentifiers = verifiedCustomer ? customerIdentifiers : nil
    }

    /// When the token was issued.
    public var issuedAt: Date { iat.value }
    /// When the token stops being valid.
    public var expiresAt: Date { exp.value }
    /// The token's unique id.
    public var tokenId: String { jti.value }

    /// Time-based checks read the account clock, so they run in ``KeyRing/verify(_:now:)``.
    public func verify(using _: some JWTAlgorithm) throws {}
}
