import AXPSimChat
import AXPSimCore

/// The platform's back-end API as a customer back end calls it: OAuth client credentials, then
/// Generate JWT Token.
public struct BackendClient: Sendable {
    let emulator: TestEmulator
    /// The account whose credentials are used.
    public let tenant: TestTenant

    init(_ emulator: TestEmulator, tenant: TestTenant) {
        self.emulator = emulator
        self.tenant = tenant
    }

    /// An OAuth access token (client credentials grant).
    public func accessToken() async throws -> String {
        let response = try await emulator.expect(
            200, "POST", "/api/auth/v1/\(tenant.accountId)/protocol/openid-connect/token", headers: ["appkey": tenant.appKey],
            form: ["grant_type": "client_credentials", "client_id": tenant.clientId, "client_secret": tenant.clientSecret])
        guard let token = try response.object()["access_token"]?.stringValue else {
            throw AXPSimTestError.unexpectedBody(path: "token", detail: "no access_token")
        }
        return token
    }

    /// The raw Generate JWT Token answer for `body` (any status), for tests of its validation.
    public func generateToken(_ body: [String: JSONValue]) async throws -> TestResponse {
        let token = try await accessToken()
        return try await emulator.send(
            "POST", "/api/digital/chat/v1/accounts/\(tenant.accountId)/tokens",
            headers: ["Authorization": "Bearer \(token)", "appkey": tenant.appKey], json: .object(body))
    }

    /// A chat JWT (`jwt.<JWS>`) for one customer of the tenant's integration.
    public func mintJWT(
        customerId: String, customerName: String? = nil, verified: Bool = false, ttlMinutes: Int? = nil, ttlSeconds: Int? = nil,
        integrationId: String? = nil, customerIdentifiers: [String: [String]]? = nil
    ) async throws -> String {
        var body: [String: JSONValue] = [
            "integrationId": .string(integrationId ?? tenant.integrationId), "customerId": .string(customerId), "verifiedCustomer": .bool(verified),
        ]
        if let customerName { body["customerName"] = .string(customerName) }
        if let customerIdentifiers { body["customerIdentifiers"] = .object(customerIdentifiers.mapValues { .array($0.map(JSONValue.string)) }) }
        if let ttlMinutes { body["ttl"] = .int(Int64(ttlMinutes)) }
        if let ttlSeconds { body["ttlSeconds"] = .int(Int64(ttlSeconds)) }
        let response = try await generateToken(body)
        guard response.status == 201, let jwt = try response.object()["jwtToken"]?.stringValue else {
            throw AXPSimTestError.unexpectedStatus(method: "POST", path: "tokens", status: response.status, expected: 201, body: response.text)
        }
        return jwt
    }
}
