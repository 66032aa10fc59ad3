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

    func scenarioRun(_ id: String, status: String = "running", finishedAt: Date? = nil) -> StoredScenarioRun {
        StoredScenarioRun(
            runId: id, accountId: "DEMOAA", role: "agent", status: status, revision: 0, scenario: "{}", integration: "{}", state: "{\"at\":0}",
            startedAt: Date(timeIntervalSince1970: 1000), finishedAt: finishedAt)
    }

    @Test func scenarioRunsAreStoredAndUpdatedAtTheirRevision() throws {
        let path = temporaryPath()
        do {
            let store = try Store(path: path)
            try store.loadFixtures([fixture], now: Date())
            try store.chatWrite { tx in try tx.insertScenarioRun(scenarioRun("r1")) }
            #expect(throws: AXPSimError.duplicate(resource: "scenario_run", id: "r1")) {
                try store.chatWrite { tx in try tx.insertScenarioRun(scenarioRun("r1")) }
            }
            let done = Date(timeIntervalSince1970: 2000)
            try store.chatWrite { tx in
                try tx.updateScenarioRun(runId: "r1", revision: 0, status: "passed", state: "{\"at\":1}", finishedAt: done)
            }
            // A writer that read revision 0 is now behind: its update fails and its transaction rolls back.
            #expect(throws: AXPSimError.conflict(code: "scenario_run_superseded", detail: "The stored scenario run r1 is no longer at revision 0 (reset or restored)")) {
                try store.chatWrite { tx in
                    try tx.insertTimer(ScheduledTimer(accountId: "DEMOAA", dueAt: done, kind: .scenarioStep, target: "r1"))
                    try tx.updateScenarioRun(runId: "r1", revision: 0, status: "failed", state: "{}", finishedAt: done)
                }
            }
            #expect(try store.chatRead { try $0.timers(accountId: "DEMOAA") }.isEmpty, "rolled back with the failed update")
        }
        let reopened = try Store(path: path)
        let lines = [
            StoredScenarioRunStep(line: 3, kind: "agent.join", status: "done", at: Date(timeIntervalSince1970: 1000), detail: nil),
            StoredScenarioRunStep(line: 4, kind: "after", status: "waiting", at: Date(timeIntervalSince1970: 1000.5), detail: "20.0s"),
        ]
        try reopened.chatWrite { tx in try tx.appendScenarioRunSteps(runId: "r1", from: 0, lines) }
        #expect(throws: AXPSimError.duplicate(resource: "scenario_run_step", id: "r1#1")) {
            try reopened.chatWrite { tx in try tx.appendScenarioRunSteps(runId: "r1", from: 1, lines) }
        }
        #expect(try reopened.scenarioRuns() == [
            StoredScenarioRun(
                runId: "r1", accountId: "DEMOAA", role: "agent", status: "passed", revision: 1, scenario: "{}", integration: "{}",
                state: "{\"at\":1}", startedAt: Date(timeIntervalSince1970: 1000), finishedAt: Date(timeIntervalSince1970: 2000), steps: lines)
        ])
        #expect(try reopened.chatRead { try $0.scenarioRun("r1") }?.steps == lines)
    }

    @Test func finishedScenarioRunsArePrunedByCountAndRunningOnesNever() throws {
        let store = try Store(path: ":memory:")
        try store.loadFixtures([fixture], now: Date())
        try store.chatWrite { tx in
            for index in 1...5 {
                try tx.insertScenarioRun(scenarioRun("f\(index)", status: "passed", finishedAt: Date(timeIntervalSince1970: Double(2000 + index))))
            }
            try tx.insertScenarioRun(scenarioRun("live"))
        }
        try store.chatWrite { tx in
            try tx.appendScenarioRunSteps(
                runId: "f1", from: 0, [StoredScenarioRunStep(line: 1, kind: "queue", status: "done", at: Date(timeIntervalSince1970: 1000), detail: nil)])
        }
        #expect(try store.pruneFinishedScenarioRuns(keeping: 2).sorted() == ["f1", "f2", "f3"])
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scenario_run_step") } == 0, "the lines went with their run")
        #expect(try store.scenarioRuns().map(\.runId).sorted() == ["f4", "f5", "live"])
        #expect(try store.pruneFinishedScenarioRuns(keeping: 2).isEmpty)
    }

    @Test func resettingAnAccountDropsItsScenarioRuns() throws {
        let store = try Store(path: ":memory:")
        try store.loadFixtures([fixture], now: Date())
        let other = ProvisionedAccount(account: Account(accountId: "OTHER", name: "Other"), clients: [], appKeys: [], integrations: [])
        _ = try store.createAccount(other.account, now: Date())
        try store.chatWrite { tx in
            try tx.insertScenarioRun(scenarioRun("mine"))
            var theirs = scenarioRun("theirs")
            theirs.accountId = "OTHER"
            try tx.insertScenarioRun(theirs)
        }
        try store.resetAccount("OTHER", to: nil, now: Date())
        #expect(try store.scenarioRuns().map(\.runId) == ["mine"])
        try store.resetAccount("DEMOAA", to: fixture, now: Date())
        #expect(try store.scenarioRuns().isEmpty)
    }
}
