import AXPSimChat
import AXPSimStore
import AXPSimAuth
import AXPSimCore
import AXPSimHTTP
import Foundation

/// Authentication of Chat SDK calls (route-scoped middleware of every SDK route, and of event
/// sockets' auth frames): the chat JWT (signature, audience, time on the account clock,
/// revocation), the app key, and the integration in the path.
struct SDKAuthentication: Sendable {
    let store: Store
    let keys: KeyRing
    let clocks: ClockService

    /// The verified caller, or the error to answer (401, 403 or 404) before any handler runs.
    func authenticate(_ request: HTTPRequest) throws -> SDKCaller {
        let integrationId = request.parameter("integrationId").lowercased()
        guard Identifiers.isValidUUID(integrationId) else { throw AXPSimError.notFound(resource: "integration", id: integrationId) }
        guard let token = request.bearerToken, !token.isEmpty else { throw AXPSimError.missingCredentials }
        guard let accountId = keys.accountIdHint(token), Identifiers.isValidAccountId(accountId),
            try store.account(accountId) != nil
        else {
            // Still report alg none, bad signatures and the like with their own codes.
            _ = try keys.verify(token, now: Date())
            throw AXPSimError.tokenRejected(.unknownToken)
        }
        let claims = try keys.verify(token, now: try clocks.now(accountId: accountId))
        guard let issued = try store.issuedToken(jti: claims.tokenId), issued.accountId == accountId else {
            throw AXPSimError.tokenRejected(.unknownToken)
        }
        if issued.revokedAt != nil { throw AXPSimError.tokenRejected(.revoked) }
        // A token expired early by the control plane or a scenario (`token.expire`).
        if try clocks.now(accountId: accountId) >= issued.expiresAt { throw AXPSimError.tokenRejected(.expired) }
        if let failure = try store.appKeyFailure(request, accountId: accountId, required: true) { throw failure }
        guard claims.integrationId.lowercased() == integrationId else {
            throw AXPSimError.forbidden("The token was minted for another integration")
        }
        guard let integration = try store.integration(accountId: accountId, integrationId: integrationId) else {
            throw AXPSimError.notFound(resource: "integration", id: integrationId)
        }
        return SDKCaller(claims: claims, integration: integration)
    }
}
