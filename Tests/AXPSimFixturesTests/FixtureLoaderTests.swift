import AXPSimCore
import AXPSimFixtures
import Foundation
import Testing

@Suite struct FixtureLoaderTests {
    func parse(_ text: String) -> ([ProvisionedAccount], [Diagnostic]) {
        var seen = FixtureLoader.Seen()
        return FixtureLoader.parse(text, file: "f.yaml", seen: &seen)
    }

    @Test func bundledFixturesAreValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let accounts = try FixtureLoader.load(directory: root.appendingPathComponent("fixtures").path)
        #expect(accounts.count >= 2)
        for account in accounts {
            #expect(Identifiers.isValidAccountId(account.account.accountId))
            #expect(!account.clients.isEmpty && !account.appKeys.isEmpty && account.integrations.count >= 2)
        }
    }

    @Test func parsesEveryField() {
        let (accounts, diagnostics) = parse(
            """
            accounts:
              - accountId: ABCDEF
                name: A
                clients: [{clientId: c, clientSecret: s}]
                appKeys: [k]
                integrations:
                  - integrationId: 6F1C2A52-6D2E-4C1B-9A43-0D6C8E1F2A01
                    name: n
                    defaultTtlMinutes: 20
                    idleTimeoutSeconds: 60
                    routingAttributes: {lang: en}
                    scenario: happy
            """)
        #expect(diagnostics.isEmpty)
        let integration = accounts[0].integrations[0]
        #expect(integration.integrationId == "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01")
        #expect(integration.defaultTtlMinutes == 20 && integration.idleTimeoutSeconds == 60)
        #expect(integration.routingAttributes == ["lang": "en"] && integration.scenario == "happy")
        #expect(accounts[0].clients == [APIClient(accountId: "ABCDEF", clientId: "c", clientSecret: "s")])
    }

    @Test func reportsEachMistakeWithLineAndHint() {
        let (_, diagnostics) = parse(
            """
            accounts:
              - accountId: ABC
              - accountId: ABCDEF
                clents: []
                integrations:
                  - integrationId: 6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01
                    name: n
                    maxTtlMinutes: lots
                  - integrationId: 6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01
                    name: dup
              - accountId: ABCDEF
            """)
        let lines = diagnostics.map { "\($0.line): \($0.message)" }
        #expect(diagnostics.contains { $0.line == 2 && $0.message.contains("6 ASCII letters") })
        #expect(diagnostics.contains { $0.line == 4 && $0.hint == "did you mean 'clients'?" })
        #expect(diagnostics.contains { $0.line == 8 && $0.message.contains("integer") })
        #expect(diagnostics.contains { $0.line == 9 && $0.message.contains("defined twice") })
        #expect(diagnostics.contains { $0.line == 11 && $0.message.contains("defined twice") }, "\(lines)")
        #expect(diagnostics.allSatisfy { $0.description.hasPrefix("f.yaml:\($0.line):") })
    }

    @Test func aBadIdDoesNotHideTheOtherMistakes() {
        let (accounts, diagnostics) = parse(
            """
            accounts:
              - accountId: BAD1
                integrations:
                  - integrationId: nope
                  - name: no-id
                    integrationId: 6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a99
                    maxTtlMinutes: 0
                  - integrationId: 6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a98
            """)
        #expect(accounts.isEmpty)
        let lines = diagnostics.map(\.line)
        #expect(lines.contains(2), "bad accountId")
        #expect(lines.contains(4), "bad integrationId of an integration that also misses its name")
        #expect(lines.contains(7), "maxTtlMinutes out of range")
        #expect(lines.contains(8), "missing name")
    }

    @Test func syntaxErrorsHaveAPosition() {
        let (_, diagnostics) = parse("accounts:\n  - accountId: [x\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].message.contains("syntax") && diagnostics[0].line >= 2)
        #expect(parse("").1.first?.message == "the file is empty")
        #expect(parse("accounts: 3").1.first?.message.contains("list") == true)
    }

    @Test func suggestions() {
        #expect(YAMLReader.suggestion(for: "integratons", among: ["integrations", "name"]) == "did you mean 'integrations'?")
        #expect(YAMLReader.suggestion(for: "zzzzzz", among: ["a", "b"]) == "allowed: a, b")
    }
}
