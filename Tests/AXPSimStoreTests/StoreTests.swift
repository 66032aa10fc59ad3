import AXPSimCore
import AXPSimStore
import Foundation
import GRDB
import Testing

@Suite struct StoreTests {
    let fixture = ProvisionedAccount(
        account: Account(accountId: "DEMOAA", name: "Demo"),
        clients: [APIClient(accountId: "DEMOAA", clientId: "c", clientSecret: "s")],
        appKeys: [AppKey(accountId: "DEMOAA", appKey: "k")],
        integrations: [Integration(integrationId: "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01", accountId: "DEMOAA", name: "support")])

    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("axpsim-store-\(UUID().uuidString)/state.sqlite").path
    }

    @Test func fixturesLoadIdempotently() throws {
        let store = try Store(path: ":memory:")
        try store.loadFixtures([fixture], now: Date())
        try store.loadFixtures([fixture], now: Date())
        #expect(try store.accounts().map(\.accountId) == ["DEMOAA"])
        #expect(try store.integrations(accountId: "DEMOAA").count == 1)
        #expect(try store.client(accountId: "DEMOAA", clientId: "c")?.clientSecret == "s")
        #expect(try store.hasAppKey(accountId: "DEMOAA", appKey: "k"))
        #expect(try !store.hasAppKey(accountId: "DEMOAA", appKey: "other"))
    }

    @Test func duplicatesAreTypedErrors() throws {
        let store = try Store(path: ":memory:")
        try store.loadFixtures([fixture], now: Date())
        #expect(throws: AXPSimError.duplicate(resource: "account", id: "DEMOAA")) {
            try store.createAccount(Account(accountId: "DEMOAA", name: "x"), now: Date())
        }
        #expect(throws: AXPSimError.duplicate(resource: "integration", id: fixture.integrations[0].integrationId)) {
            try store.createIntegration(fixture.integrations[0])
        }
    }

    @Test func integrationsAreScopedToTheirAccount() throws {
        let store = try Store(path: ":memory:")
        try store.loadFixtures([fixture], now: Date())
        _ = try store.createAccount(Account(accountId: "OTHERS", name: "o"), now: Date())
        let id = fixture.integrations[0].integrationId
        #expect(try store.integration(accountId: "DEMOAA", integrationId: id.uppercased()) != nil)
        #expect(try store.integration(accountId: "OTHERS", integrationId: id) == nil)
        #expect(try !store.deleteIntegration(accountId: "OTHERS", integrationId: id))
    }

    @Test func resetsRestoreFixturesAndKeepOthers() throws {
        let store = try Store(path: ":memory:")
        let now = Date()
        try store.loadFixtures([fixture], now: now)
        _ = try store.createAccount(Account(accountId: "OTHERS", name: "o"), now: now)
        let customer = Customer(accountId: "OTHERS", customerId: "x", verified: false, displayName: nil, customerIdentifiers: nil)
        try store.recordIssuedToken(
            IssuedToken(jti: "j", accountId: "OTHERS", integrationId: "i", customerId: "x", issuedAt: now, expiresAt: now), customer: customer, now: now)
        _ = try store.createIntegration(Integration(integrationId: Identifiers.newUUID(), accountId: "DEMOAA", name: "extra"))
        try store.resetAccount("DEMOAA", to: fixture, now: now)
        #expect(try store.integrations(accountId: "DEMOAA").map(\.name) == ["support"])
        #expect(try store.customers(accountId: "OTHERS").count == 1)
        try store.resetAccount("OTHERS", to: nil, now: now)
        #expect(try store.customers(accountId: "OTHERS").isEmpty)
        #expect(try store.account("OTHERS") != nil)
        try store.replaceAll(with: [fixture], now: now)
        #expect(try store.accounts().map(\.accountId) == ["DEMOAA"])
    }

    @Test func fileStoreIsWALAndSurvivesReopen() throws {
        let path = temporaryPath()
        do {
            let store = try Store(path: path)
            try store.loadFixtures([fixture], now: Date())
            try store.setClock(accountId: "DEMOAA", ClockState(mode: .virtual, virtualNow: Date(timeIntervalSince1970: 1000)))
            try store.addActiveSigningKey(StoredSigningKey(kid: "k1", privateKeyPEM: "pem1", createdAt: Date(), active: true))
            try store.addActiveSigningKey(StoredSigningKey(kid: "k2", privateKeyPEM: "pem2", createdAt: Date().addingTimeInterval(1), active: true))
            let mode = try store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal")
        }
        let reopened = try Store(path: path)
        #expect(try reopened.clock(accountId: "DEMOAA") == ClockState(mode: .virtual, virtualNow: Date(timeIntervalSince1970: 1000)))
        #expect(try reopened.signingKeys().map { "\($0.kid):\($0.active)" } == ["k1:false", "k2:true"])
        #expect(try reopened.clock(accountId: "NOBODY") == .real)
    }

    @Test func tokensAndRevocation() throws {
        let store = try Store(path: ":memory:")
        try store.loadFixtures([fixture], now: Date())
        let now = Date(timeIntervalSince1970: 1_000_000)
        let token = IssuedToken(jti: "j1", accountId: "DEMOAA", integrationId: "i", customerId: "c", issuedAt: now, expiresAt: now + 900)
        let customer = Customer(accountId: "DEMOAA", customerId: "c", verified: true, displayName: "C", customerIdentifiers: ["e": ["x"]])
        try store.recordIssuedToken(token, customer: customer, now: now)
        #expect(try store.issuedToken(jti: "j1") == token)
        #expect(try store.revokeToken(jti: "j1", at: now + 5))
        #expect(try store.issuedToken(jti: "j1")?.revokedAt == now + 5)
        #expect(try !store.revokeToken(jti: "missing", at: now))
        #expect(try store.customer(accountId: "DEMOAA", customerId: "c")?.customerIdentifiers == ["e": ["x"]])
    }
}
