import AXPSimCore
import AXPSimStore
import Foundation
import Testing

/// `Store.integration(accountId:integrationId:)` answers from memory (`IntegrationCache`); every
/// change of an integration or account — through any store method, a reset or a snapshot
/// restore — must be seen by the very next lookup.
@Suite struct IntegrationCacheTests {
    static let integrationId = StoreFixtures.integrationId
    let fixture = StoreFixtures.demo

    func lookup(_ store: Store, id: String = Self.integrationId) throws -> Integration? {
        try store.integration(accountId: "DEMOAA", integrationId: id)
    }

    /// A mint checks the integration again inside its write only when this number moved since its
    /// lookup: it must move with every integration or account change, and not with minting.
    @Test func theGenerationMovesWithIntegrationsAndAccountsOnly() throws {
        let store = try Store(path: ":memory:")
        try store.loadFixtures([fixture], now: Date())
        var generation = store.integrationGeneration
        let now = Date()
        try store.recordIssuedToken(
            IssuedToken(jti: "j1", accountId: "DEMOAA", integrationId: Self.integrationId, customerId: "ann", issuedAt: now, expiresAt: now + 60),
            customer: Customer(accountId: "DEMOAA", customerId: "ann", verified: false, displayName: nil, customerIdentifiers: nil), now: now)
        #expect(store.integrationGeneration == generation, "minting changes no integration")
        var renamed = try #require(try lookup(store))
        renamed.name = "renamed"
        try store.updateIntegration(renamed)
        #expect(store.integrationGeneration != generation)
        generation = store.integrationGeneration
        #expect(try store.deleteAppKey(accountId: "DEMOAA", appKey: "k"))
        #expect(store.integrationGeneration == generation, "an app key is no integration")
        try store.saveSnapshot("s")
        #expect(try store.restoreSnapshot("s"))
        #expect(store.integrationGeneration != generation, "a restore moves it (no observer sees SQLite's backup)")
    }

    @Test func changesAreSeenAtOnce() throws {
        let store = try Store(path: ":memory:")
        try store.loadFixtures([fixture], now: Date())
        try store.saveSnapshot("before")
        #expect(try lookup(store)?.name == "support")
        #expect(try lookup(store)?.name == "support")  // now from memory
        #expect(try lookup(store, id: Self.integrationId.uppercased())?.name == "support")
        #expect(try store.integration(accountId: "DEMOBB", integrationId: Self.integrationId) == nil)

        var renamed = try #require(try lookup(store))
        renamed.name = "renamed"
        renamed.maxTtlMinutes = 30
        try store.updateIntegration(renamed)
        #expect(try lookup(store) == renamed)

        #expect(try store.restoreSnapshot("before"))
        #expect(try lookup(store)?.name == "support")

        #expect(try store.deleteIntegration(accountId: "DEMOAA", integrationId: Self.integrationId))
        #expect(try lookup(store) == nil)
        try store.replaceAll(with: [fixture], now: Date())
        #expect(try lookup(store)?.name == "support")

        // An integration created after a miss is found.
        let other = "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a09"
        #expect(try lookup(store, id: other) == nil)
        _ = try store.createIntegration(Integration(integrationId: other, accountId: "DEMOAA", name: "sales"))
        #expect(try lookup(store, id: other)?.name == "sales")

        #expect(try store.deleteAccount("DEMOAA"))
        #expect(try lookup(store) == nil)
    }
}
