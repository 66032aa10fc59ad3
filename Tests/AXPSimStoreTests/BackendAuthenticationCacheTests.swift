import AXPSimCore
import AXPSimStore
import Foundation
import Testing

/// Back-end authentication (Generate JWT Token) reads its rows from memory
/// (`BackendAuthenticationCache`); every change of an account, app key or access token — through
/// any store method, a reset or a snapshot restore — must be seen by the very next read, and a
/// minted chat token must not empty it.
@Suite struct BackendAuthenticationCacheTests {
    static let integrationId = StoreFixtures.integrationId
    let fixture = StoreFixtures.demo
    static let token = AccessToken(token: "t1", accountId: "DEMOAA", clientId: "c", issuedAt: Date(), expiresAt: Date() + 3600)

    func makeStore(path: String = ":memory:") throws -> Store {
        let store = try Store(path: path)
        try store.loadFixtures([fixture], now: Date())
        try store.insertAccessToken(Self.token)
        return store
    }

    func rows(_ store: Store, appKey: String? = "k", bearer: String? = "t1") throws -> BackendAuthenticationRows {
        try store.backendAuthenticationRows(accountId: "DEMOAA", appKey: appKey, bearer: bearer)
    }

    @Test func readsWhatTheSeparateLookupsRead() throws {
        let store = try makeStore()
        let expected = BackendAuthenticationRows(accountExists: true, appKeyKnown: true, accessToken: try store.accessToken("t1"))
        #expect(try rows(store) == expected)
        #expect(try rows(store) == expected)  // now from memory
        #expect(try rows(store, appKey: nil, bearer: nil) == BackendAuthenticationRows(accountExists: true, appKeyKnown: nil, accessToken: nil))
        #expect(try rows(store, appKey: "zzz", bearer: "nope") == BackendAuthenticationRows(accountExists: true, appKeyKnown: false, accessToken: nil))
        #expect(
            try store.backendAuthenticationRows(accountId: "ZZZZZZ", appKey: "k", bearer: "t1")
                == BackendAuthenticationRows(accountExists: false, appKeyKnown: nil, accessToken: nil))
    }

    @Test func controlPlaneChangesAreSeenAtOnce() throws {
        let store = try makeStore()
        #expect(try rows(store).appKeyKnown == true)
        #expect(try store.deleteAppKey(accountId: "DEMOAA", appKey: "k"))
        #expect(try rows(store).appKeyKnown == false)
        _ = try store.createAppKey(AppKey(accountId: "DEMOAA", appKey: "k"))
        #expect(try rows(store).appKeyKnown == true)

        // An access token granted after an unknown-token read is seen.
        #expect(try rows(store, bearer: "t2").accessToken == nil)
        try store.insertAccessToken(AccessToken(token: "t2", accountId: "DEMOAA", clientId: "c", issuedAt: Date(), expiresAt: Date() + 60))
        #expect(try rows(store, bearer: "t2").accessToken?.token == "t2")

        // Deleting the client revokes its access tokens.
        #expect(try rows(store).accessToken != nil)
        #expect(try store.deleteClient(accountId: "DEMOAA", clientId: "c"))
        #expect(try rows(store).accessToken == nil)

        // Deleting the account removes its rows by foreign-key cascade: seen too.
        #expect(try store.deleteAccount("DEMOAA"))
        #expect(try rows(store).accountExists == false)
    }

    @Test func mintingKeepsTheCachedRows() throws {
        let store = try makeStore()
        let before = try rows(store)
        let issued = IssuedToken(jti: "j1", accountId: "DEMOAA", integrationId: Self.integrationId, customerId: "c1", issuedAt: Date(), expiresAt: Date() + 900)
        try store.recordIssuedToken(issued, customer: Customer(accountId: "DEMOAA", customerId: "c1", verified: false, displayName: nil, customerIdentifiers: nil), now: Date())
        #expect(try rows(store) == before)
    }

    @Test func resetsAndRestoresAreSeenAtOnce() throws {
        let store = try makeStore()
        try store.saveSnapshot("before")
        #expect(try store.deleteAppKey(accountId: "DEMOAA", appKey: "k"))
        #expect(try rows(store).appKeyKnown == false)
        // The snapshot restore (SQLite backup, no row events) brings the key back.
        #expect(try store.restoreSnapshot("before"))
        #expect(try rows(store).appKeyKnown == true)
        // A reset to fixtures drops the access token.
        #expect(try rows(store).accessToken != nil)
        try store.replaceAll(with: [fixture], now: Date())
        #expect(try rows(store).accessToken == nil)
        #expect(try rows(store).appKeyKnown == true)
    }

    @Test func aFileDatabaseBehavesTheSame() throws {
        try StoreFixtures.withTemporaryPath("backend-cache") { path in
            let store = try makeStore(path: path)
            try store.saveSnapshot("before")
            #expect(try rows(store).appKeyKnown == true)
            #expect(try store.deleteAppKey(accountId: "DEMOAA", appKey: "k"))
            #expect(try rows(store).appKeyKnown == false)
            #expect(try store.restoreSnapshot("before"))
            #expect(try rows(store).appKeyKnown == true)
            #expect(try store.deleteClient(accountId: "DEMOAA", clientId: "c"))
            #expect(try rows(store).accessToken == nil)
        }
    }
}
