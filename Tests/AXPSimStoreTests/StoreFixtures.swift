import AXPSimCore

/// The account the store's cache tests provision: one client, one app key, one integration.
enum StoreFixtures {
    static let integrationId = "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01"
    static let demo = ProvisionedAccount(
        account: Account(accountId: "DEMOAA", name: "Demo"),
        clients: [APIClient(accountId: "DEMOAA", clientId: "c", clientSecret: "s")],
        appKeys: [AppKey(accountId: "DEMOAA", appKey: "k")],
        integrations: [Integration(integrationId: integrationId, accountId: "DEMOAA", name: "support")])
}
