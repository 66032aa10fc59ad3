import AXPSimCore
import AXPSimStore
import Foundation
import Testing

/// SDK authentication reads its rows from memory (`SDKAuthenticationCache`); every change of an
/// account, app key, integration or issued token — through any store method, a reset or a
/// snapshot restore — must be seen by the very next read.
@Suite struct SDKAuthenticationCacheTests {
    static let integrationId = StoreFixtures.integrationId
    let fixture = StoreFixtures.demo

    func makeStore(path: String = ":memory:") throws -> Store {
        let store = try Store(path: path)
        try store.loadFixtures([fixture], now: Date())
        let issued = IssuedToken(
            jti: "j1", accountId: "DEMOAA", integrationId: Self.integrationId, customerId: "c1", issuedAt: Date(), expiresAt: Date() + 900)
        try store.recordIssuedToken(issued, customer: Customer(accountId: "DEMOAA", customerId: "c1", verified: false, displayName: nil, customerIdentifiers: nil), now: Date())
        return store
    }

    func rows(_ store: Store, appKey: String? = "k") throws -> SDKAuthenticationRows {
        try store.sdkAuthenticationRows(accountId: "DEMOAA", jti: "j1", appKey: appKey, integrationId: Self.integrationId)
    }

    @Test func controlPlaneChangesAreSeenAtOnce() throws {
        let store = try makeStore()
        #expect(try rows(store).appKeyKnown == true)
        #expect(try rows(store).appKeyKnown == true)  // now from memory
        #expect(try store.deleteAppKey(accountId: "DEMOAA", appKey: "k"))
        #expect(try rows(store).appKeyKnown == false)
        _ = try store.createAppKey(AppKey(accountId: "DEMOAA", appKey: "k"))
        #expect(try rows(store).appKeyKnown == true)

        #expect(try rows(store).integration?.name == "support")
        var renamed = try #require(try rows(store).integration)
        renamed.name = "renamed"
        try store.updateIntegration(renamed)
        #expect(try rows(store).integration?.name == "renamed")
        #expect(try store.deleteIntegration(accountId: "DEMOAA", integrationId: Self.integrationId))
        #expect(try rows(store).integration == nil)

        #expect(try rows(store).issuedToken?.revokedAt == nil)
        #expect(try store.revokeToken(jti: "j1", at: Date()))
        #expect(try rows(store).issuedToken?.revokedAt != nil)

        // Deleting the account removes its rows by foreign-key cascade: seen too.
        #expect(try store.deleteAccount("DEMOAA"))
        #expect(try rows(store).accountExists == false)
    }

    @Test func resetsAndRestoresAreSeenAtOnce() throws {
        let store = try makeStore()
        try store.saveSnapshot("before")
        #expect(try store.deleteAppKey(accountId: "DEMOAA", appKey: "k"))
        #expect(try rows(store).appKeyKnown == false)
        // The snapshot restore (SQLite backup, no row events) brings the key back.
        #expect(try store.restoreSnapshot("before"))
        #expect(try rows(store).appKeyKnown == true)
        // A reset to fixtures drops the issued token.
        #expect(try rows(store).issuedToken != nil)
        try store.replaceAll(with: [fixture], now: Date())
        #expect(try rows(store).issuedToken == nil)
        #expect(try rows(store).appKeyKnown == true)
    }

    @Test func aFileDatabaseBehavesTheSame() throws {
        try StoreFixtures.withTemporaryPath("cache") { path in
            let store = try makeStore(path: path)
            try store.saveSnapshot("before")
            #expect(try rows(store).appKeyKnown == true)
            #expect(try store.deleteAppKey(accountId: "DEMOAA", appKey: "k"))
            #expect(try rows(store).appKeyKnown == false)
            #expect(try store.restoreSnapshot("before"))
            #expect(try rows(store).appKeyKnown == true)
            #expect(try store.expireToken(jti: "j1", at: Date(timeIntervalSince1970: 1)))
            #expect(try rows(store).issuedToken?.expiresAt == Date(timeIntervalSince1970: 1))
        }
    }
}
