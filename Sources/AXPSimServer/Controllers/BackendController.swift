import Synchronization
import AXPSimChat
import AXPSimAuth
import AXPSimCore
import AXPSimHTTP
import Foundation
import Logging
import AXPSimStore


/// The platform's back-end API (SPEC section 2): OAuth client credentials, Generate JWT Token, JWKS.
struct BackendController: Sendable {
    let store: Store
    let keys: KeyRing
    let clocks: ClockService
    let tokens: TokenService
    /// The `iss` of minted tokens: the base URL once bound.
    let issuer: SharedText
    /// Seconds an OAuth access token lives.
    let accessTokenTTL: Int
    let logger: Logger

    func addRoutes(to table: inout RouteTable) {
        for prefix in ["/auth/realms/{accountId}", "/api/auth/v1/{accountId}"] {
            let viaGateway = prefix.hasPrefix("/api/")
            table.add("POST", "\(prefix)/protocol/openid-connect/token", .oauth, "OAuth 2 client credentials: an access token for the back end",
                .json(200, Self.accessTokenSchema).form(Self.clientCredentialsForm)) {
                request in .respond(self.grantAccessToken(request, viaGateway: viaGateway))
            }
        }
        table.add("POST", "/api/digital/chat/v1/accounts/{accountId}/tokens", .backend, "Generate JWT Token: a chat JWT for one customer",
            .json(201, Self.chatTokenSchema).body(TokenRequest.parse)) {
            request in .respond(try self.generateChatToken(request))
        }
        table.add("GET", "/auth/realms/{accountId}/protocol/openid-connect/certs", .meta, "JWKS of the chat JWT signing keys (per realm)",
            .json(200, Self.jwksSchema)) {
            request in
            guard try self.store.account(request.parameter("accountId")) != nil else {
                throw AXPSimError.notFound(resource: "account", id: request.parameter("accountId"))
            }
            return .respond(try self.jwksResponse())
        }
        table.add("GET", "/.well-known/jwks.json", .meta, "JWKS of the chat JWT signing keys", .json(200, Self.jwksSchema)) { _ in
            .respond(try self.jwksResponse())
        }
    }

    /// The JSON shape of ``jwksResponse()``.
    static let jwksSchema = JSONSchema.ref(
        "JWKS",
        .record([
            "keys": .array(
                .object(
                    ["kty": .string(), "kid": .string(), "use": .string(), "alg": .string(), "n": .string(), "e": .string()],
                    required: ["kty", "kid", "n", "e"], closed: false))
        ]))

    func jwksResponse() throws -> HTTPResponse {
        JSONResponses.json(200, ["keys": try keys.jwks()])
    }

    // MARK: OAuth

    /// The form ``grantAccessToken(_:viaGateway:)`` reads (client_id and client_secret may come by HTTP Basic instead).
    static let clientCredentialsForm = JSONSchema.object(
        ["grant_type": .string(), "client_id": .string(), "client_secret": .string()], required: ["grant_type"], closed: false)

    /// The JSON shape of a granted access token.
    static let accessTokenSchema = JSONSchema.ref(
        "AccessToken",
        .record([
            "access_token": .string(), "token_type": .constant("Bearer"), "expires_in": .integer(), "refresh_expires_in": .integer(),
            "not-before-policy": .integer(), "scope": .string(),
        ]))

    /// Client credentials grant, answered in Keycloak's shape (including its error shape). A store
    /// failure is a logged 500 `server_error`, never a misleading 4xx.
    func grantAccessToken(_ request: HTTPRequest, viaGateway: Bool) -> HTTPResponse {
        do {
            return try grantAccessTokenOrThrow(request, viaGateway: viaGateway)
        } catch {
            logger.error("cannot grant an access token", metadata: ["error": "\(error)"])
            return JSONResponses.oauthError(500, "server_error", "The emulator could not read or store its state")
        }
    }

    private func grantAccessTokenOrThrow(_ request: HTTPRequest, viaGateway: Bool) throws -> HTTPResponse {
        let accountId = request.parameter("accountId")
        guard Identifiers.isValidAccountId(accountId), try store.account(accountId) != nil else {
            return JSONResponses.oauthError(404, "invalid_realm", "Realm does not exist")
        }
        if let failure = try store.appKeyFailure(request, accountId: accountId, required: viaGateway) {
            return JSONResponses.oauthError(401, "invalid_appkey", failure.detail)
        }
        guard request.mediaType == "application/x-www-form-urlencoded" else {
            return JSONResponses.oauthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
        }
        let form = request.formParameters
        guard let grantType = form["grant_type"], !grantType.isEmpty else {
            return JSONResponses.oauthError(400, "invalid_request", "Missing form parameter: grant_type")
        }
        guard grantType == "client_credentials" else {
            return JSONResponses.oauthError(400, "unsupported_grant_type", "Unsupported grant_type \(grantType); use client_credentials")
        }
        let (clientId, clientSecret) = clientCredentials(request, form: form)
        guard let clientId, !clientId.isEmpty else {
            return JSONResponses.oauthError(401, "invalid_client", "Missing client_id")
        }
        guard let client = try store.client(accountId: accountId, clientId: clientId),
            let clientSecret, constantTimeEquals(clientSecret, client.clientSecret)
        else {
            return JSONResponses.oauthError(401, "invalid_client", "Invalid client or Invalid client credentials")
        }
        let now = try clocks.now(accountId: accountId)
        let token = AccessToken(
            token: Identifiers.randomToken(prefix: "axpat_", length: 40), accountId: accountId, clientId: client.clientId, issuedAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(accessTokenTTL)))
        try store.insertAccessToken(token)
        var response = JSONResponses.json(
            200,
            JSONValue.object([
                "access_token": .string(token.token), "token_type": "Bearer", "expires_in": .int(Int64(accessTokenTTL)), "refresh_expires_in": .int(0),
                "not-before-policy": .int(0), "scope": "profile email",
            ]))
        response.setHeader("Cache-Control", "no-store")
        response.setHeader("Pragma", "no-cache")
        return response
    }

    /// client_id/client_secret from the form, or from HTTP Basic authentication.
    private func clientCredentials(_ request: HTTPRequest, form: [String: String]) -> (String?, String?) {
        if let header = request.header("authorization"), header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        {
            let id = String(text[..<colon]).removingPercentEncoding
            let secret = String(text[text.index(after: colon)...]).removingPercentEncoding
            return (id, secret)
        }
        return (form["client_id"], form["client_secret"])
    }

    // MARK: Generate JWT Token

    /// The JSON shape of a minted chat token.
    static let chatTokenSchema = JSONSchema.ref(
        "ChatToken", .record(["jwtToken": .string(pattern: "^jwt\\.[^.]+\\.[^.]+\\.[^.]+$"), "expiresAt": .timestamp]))

    func generateChatToken(_ request: HTTPRequest) throws -> HTTPResponse {
        let accountId = request.parameter("accountId")
        try authenticateBackend(request, accountId: accountId)
        let body = try TokenRequest.parse(request.jsonObject())
        let minted = try tokens.mint(accountId: accountId, request: body, issuer: issuer.value.withLock { $0 })
        return JSONResponses.json(201, JSONValue.object(["jwtToken": .string(minted.jwtToken), "expiresAt": .date(minted.issued.expiresAt)]))
    }

    /// Checks a back-end call, in this order: the path's account exists (404), the `appkey` header
    /// is present and the account's (401), the bearer access token is present, known, of this
    /// account (403 for another's) and unexpired on the account clock (401).
    ///
    /// The rows come from ``Store/backendAuthenticationRows(accountId:appKey:bearer:)``: one read
    /// transaction, or none while no account, app key or access token changed (a deleted client's
    /// tokens are refused by the very next call). Expiry is checked on every call.
    func authenticateBackend(_ request: HTTPRequest, accountId: String) throws {
        guard Identifiers.isValidAccountId(accountId) else { throw AXPSimError.notFound(resource: "account", id: accountId) }
        let appKey = request.header("appkey").flatMap { $0.isEmpty ? nil : $0 }
        let bearer = request.bearerToken.flatMap { $0.isEmpty ? nil : $0 }
        let rows = try store.backendAuthenticationRows(accountId: accountId, appKey: appKey, bearer: bearer)
        guard rows.accountExists else { throw AXPSimError.notFound(resource: "account", id: accountId) }
        guard appKey != nil else { throw AXPSimError.missingAppKey }
        guard rows.appKeyKnown == true else { throw AXPSimError.invalidAppKey }
        guard bearer != nil else { throw AXPSimError.missingCredentials }
        guard let token = rows.accessToken else { throw AXPSimError.invalidCredentials("Unknown access token") }
        guard token.accountId == accountId else {
            throw AXPSimError.forbidden("The access token belongs to another account")
        }
        guard try clocks.now(accountId: accountId) < token.expiresAt else {
            throw AXPSimError.expiredCredentials("The access token has expired")
        }
    }

}
