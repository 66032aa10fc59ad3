import AXPSimAuth
import AXPSimCore
import AXPSimStore
import Foundation
import Logging

/// Mints chat JWTs (Generate JWT Token API and `axpsim token`).
package struct TokenService: Sendable {
    package let store: Store
    package let keys: KeyRing
    package let clocks: ClockService
    package let tokenTTLOverride: Int?

    package init(store: Store, keys: KeyRing, clocks: ClockService, tokenTTLOverride: Int?) {
        self.store = store
        self.keys = keys
        self.clocks = clocks
        self.tokenTTLOverride = tokenTTLOverride
    }

    /// A minted token and what was recorded of it.
    package struct Minted: Sendable {
        package let jwtToken: String
        package let issued: IssuedToken
    }

    /// Validates `request` against the account's integration, signs and records the token.
    ///
    /// The RSA signature (most of a mint's CPU) is made before the writer is taken, so mints sign
    /// in parallel instead of one at a time inside the single write transaction. The transaction
    /// then checks that the integration is still the one the token was made for (else it mints
    /// again inside it, as ``mint(_:accountId:request:issuer:at:)`` does) and records the token.
    package func mint(accountId: String, request: TokenRequest, issuer: String) throws -> Minted {
        let now = try clocks.now(accountId: accountId)
        // A first key still being made is waited for before the writer is taken, not while holding it.
        try keys.waitForFirstKey()
        // Usually from memory (the store's integration cache); inside the write it is read again
        // only if an account or integration changed since (almost never: no read in the writer).
        let generation = store.integrationGeneration
        guard let integration = try store.integration(accountId: accountId, integrationId: request.integrationId) else { throw AXPSimError.notFound(resource: "integration", id: request.integrationId) }
        let signed = try sign(accountId: accountId, request: request, issuer: issuer, integration: integration, at: now)
        return try store.chatWrite { tx in
            if store.integrationGeneration != generation,
                try tx.integration(accountId: accountId, integrationId: request.integrationId) != integration
            {
                return try mint(tx, accountId: accountId, request: request, issuer: issuer, at: now)
            }
            try tx.recordIssuedToken(signed.minted.issued, customer: signed.customer, now: now)
            return signed.minted
        }
    }

    /// ``mint(accountId:request:issuer:)`` inside the caller's transaction, at `now` on the account
    /// clock (a scenario's device gets its token in the same commit as the step that needs it).
    package func mint(_ tx: ChatTransaction, accountId: String, request: TokenRequest, issuer: String, at now: Date) throws -> Minted {
        guard let integration = try tx.integration(accountId: accountId, integrationId: request.integrationId) else {
            throw AXPSimError.notFound(resource: "integration", id: request.integrationId)
        }
        let signed = try sign(accountId: accountId, request: request, issuer: issuer, integration: integration, at: now)
        try tx.recordIssuedToken(signed.minted.issued, customer: signed.customer, now: now)
        return signed.minted
    }

    /// The signed token for `request` on `integration`, and the customer row it records.
    private func sign(accountId: String, request: TokenRequest, issuer: String, integration: Integration, at now: Date) throws -> (
        minted: Minted, customer: Customer
    ) {
        var lifetime = try request.lifetimeSeconds(for: integration)
        if request.ttlMinutes == nil, request.ttlSeconds == nil, let tokenTTLOverride { lifetime = tokenTTLOverride }
        let issuedAt = Date(timeIntervalSince1970: (now.timeIntervalSince1970).rounded(.down))
        let expiresAt = issuedAt.addingTimeInterval(TimeInterval(lifetime))
        let jti = Identifiers.newUUID()
        let claims = ChatTokenClaims(
            issuer: issuer, jti: jti, issuedAt: issuedAt, expiresAt: expiresAt, accountId: accountId,
            integrationId: integration.integrationId, customerId: request.customerId, customerName: request.customerName,
            verifiedCustomer: request.verifiedCustomer, customerIdentifiers: request.customerIdentifiers)
        let token = try keys.mint(claims)
        let issued = IssuedToken(
            jti: jti, accountId: accountId, integrationId: integration.integrationId, customerId: request.customerId, issuedAt: issuedAt,
            expiresAt: expiresAt)
        let customer = Customer(
            accountId: accountId, customerId: request.customerId, verified: request.verifiedCustomer, displayName: request.customerName,
            customerIdentifiers: request.customerIdentifiers)
        return (Minted(jwtToken: token, issued: issued), customer)
    }
}
