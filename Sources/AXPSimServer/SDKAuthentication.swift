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
    /// The store rows it needs are read in one transaction (``Store/sdkAuthenticationRows``); the
    /// checks run in the order they always did, so each failure keeps its answer.
    func authenticate(_ request: HTTPRequest) throws -> SDKCaller {
        let integrationId = request.parameter("integrationId").lowercased()
        guard Identifiers.isValidUUID(integrationId) else { throw AXPSimError.notFound(resource: "integration", id: integrationId) }
        guard let token = request.bearerToken, !token.isEmpty else { throw AXPSimError.missingCredentials }
        guard let accountId = keys.accountIdHint(token), Identifiers.isValidAccountId(accountId) else {
            // Still report alg none, bad signatures and the like with their own codes.
            _ = try keys.verify(token, now: Date())
            throw AXPSimError.tokenRejected(.unknownToken)
        }
        // Signature, algorithm, key and audience (cached per token); the time is checked below.
        let signed = try keys.verifyIgnoringTime(token)
        let appKey = request.header("appkey").flatMap { $0.isEmpty ? nil : $0 }
        let rows = try store.sdkAuthenticationRows(accountId: accountId, jti: signed.tokenId, appKey: appKey, integrationId: integrationId)
        guard rows.accountExists else {
            _ = try keys.verify(token, now: Date())
            throw AXPSimError.tokenRejected(.unknownToken)
        }
        let now = try clocks.now(accountId: accountId)
        let claims = try keys.verify(token, now: now)
        guard let issued = rows.issuedToken, issued.accountId == accountId else {
            throw AXPSimError.tokenRejected(.unknownToken)
        }
        if issued.revokedAt != nil { throw AXPSimError.tokenRejected(.revoked) }
        // A token expired early by the control plane or a scenario (`token.expire`).
        if now >= issued.expiresAt { throw AXPSimError.tokenRejected(.expired) }
        guard let appKeyKnown = rows.appKeyKnown else { throw AXPSimError.missingAppKey }
        guard appKeyKnown else { throw AXPSimError.invalidAppKey }
        guard claims.integrationId.lowercased() == integrationId else {
            throw AXPSimError.forbidden("The token was minted for another integration")
        }
        guard let integration = rows.integration else {
            throw AXPSimError.notFound(resource: "integration", id: integrationId)
        }
        return SDKCaller(claims: claims, integration: integration)
    }
}
