/// An account as a back end sees it: its ids and credentials, and the integration chats use.
public struct TestTenant: Sendable, Equatable {
    public var accountId: String
    public var clientId: String
    public var clientSecret: String
    public var appKey: String
    public var integrationId: String

    public init(accountId: String, clientId: String, clientSecret: String, appKey: String, integrationId: String) {
        self.accountId = accountId
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.appKey = appKey
        self.integrationId = integrationId
    }

    /// The bundled retail account (`fixtures/`) and its `support` integration.
    public static let retail = TestTenant(
        accountId: "DEMOAA", clientId: "retail-backend", clientSecret: "retail-backend-secret", appKey: "retail-appkey-0001",
        integrationId: "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01")

    /// The bundled retail account's `triage` integration, whose rules route chats to staffed queues
    /// (`fixtures/accounts.yaml`).
    public static let retailTriage = TestTenant(
        accountId: "DEMOAA", clientId: "retail-backend", clientSecret: "retail-backend-secret", appKey: "retail-appkey-0001",
        integrationId: "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a03")

    /// The bundled bank account (`fixtures/`) and its `cards` integration.
    public static let bank = TestTenant(
        accountId: "DEMOBB", clientId: "bank-backend", clientSecret: "bank-backend-secret", appKey: "bank-appkey-0001",
        integrationId: "9b7e4d10-3c5f-4e8a-8d21-7a3b5c6d7e01")
}
