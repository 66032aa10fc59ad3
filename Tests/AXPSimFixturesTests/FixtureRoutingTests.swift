import AXPSimCore
import AXPSimFixtures
import Foundation
import Testing

/// Queues and integration routing in fixture files: read in full, and every mistake reported at
/// its line and column (SPEC section 10).
@Suite struct FixtureRoutingTests {
    func parse(_ text: String) -> ([ProvisionedAccount], [Diagnostic]) {
        var seen = FixtureLoader.Seen()
        return FixtureLoader.parse(text, file: "f.yaml", seen: &seen)
    }

    @Test func readsQueuesAgentsAndRules() throws {
        let (accounts, diagnostics) = parse(
            """
            accounts:
              - accountId: ABCDEF
                queues:
                  - queueId: general
                    answerDelaySeconds: 5
                    greeting: "Hi, I'm {agent}"
                    maxWaitSeconds: 60
                    agents:
                      - { agentId: alice, displayName: Alice, capacity: 2, routingAttributes: { language: en } }
                      - { agentId: bob, displayName: Bob, state: away }
                  - queueId: vip
                integrations:
                  - integrationId: 6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01
                    name: web
                    routing:
                      defaultQueue: general
                      routingAttributes: { language: en }
                      rules:
                        - name: vip
                          match: { customer.verified: true, customer.customerIdentifiers.tier: { in: [gold, platinum] } }
                          queue: vip
                          overflowQueue: general
                          scenario: vip-welcome
                        - name: topic
                          match: { engagementParameters.topic: { regex: "^refund" }, sessionParameters.page: { exists: true } }
            """)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let account = try #require(accounts.first)
        #expect(account.queues.map(\.queueId) == ["general", "vip"])
        #expect(account.queues[0].agents == [
            QueueAgent(agentId: "alice", displayName: "Alice", capacity: 2, routingAttributes: ["language": "en"]),
            QueueAgent(agentId: "bob", displayName: "Bob", state: .away),
        ])
        #expect(account.queues[0].answerDelaySeconds == 5 && account.queues[0].maxWaitSeconds == 60 && account.queues[0].greeting == "Hi, I'm {agent}")
        let integration = account.integrations[0]
        #expect(integration.queue == "general" && integration.routingAttributes == ["language": "en"])
        #expect(integration.routingRules == [
            RoutingRule(
                name: "vip", match: ["customer.verified": .equals(.bool(true)), "customer.customerIdentifiers.tier": .oneOf(["gold", "platinum"])],
                queue: "vip", scenario: "vip-welcome", overflowQueue: "general"),
            RoutingRule(name: "topic", match: ["engagementParameters.topic": .regex("^refund"), "sessionParameters.page": .exists(true)]),
        ])
    }

    @Test func reportsUnknownQueuesBadRegexesAndUnreachableRulesWithTheirPosition() {
        let (_, diagnostics) = parse(
            """
            accounts:
              - accountId: ABCDEF
                queues:
                  - queueId: general
                    agents:
                      - { agentId: alice, displayName: Alice, state: sleeping }
                      - { agentId: alice, displayName: Alice again }
                integrations:
                  - integrationId: 6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01
                    name: web
                    queue: genral
                    routing:
                      rules:
                        - name: fr
                          match: { engagementParameters.language: fr }
                          queue: french
                        - name: fr-again
                          match: { engagementParameters.language: fr, customer.verified: true }
                        - name: broken
                          match: { engagementParameters.topic: { regex: "(" }, customer.age: 3, engagementParameters.x: { near: 1 } }
            """)
        func at(_ line: Int, _ text: String) -> Bool {
            diagnostics.contains { $0.line == line && $0.message.contains(text) }
        }
        #expect(at(6, "state must be available or away"), "\(diagnostics)")
        #expect(at(7, "agent alice is listed twice"))
        #expect(at(11, "unknown queue 'genral'"))
        #expect(diagnostics.first { $0.message.contains("'genral'") }?.hint?.contains("known: general") == true)
        #expect(at(16, "unknown queue 'french'"))
        #expect(at(18, "can never match"))
        #expect(at(20, "is not a valid regular expression"))
        #expect(at(20, "'customer.age' is not context data"))
        #expect(at(20, "unknown condition 'near'"))
        #expect(diagnostics.allSatisfy { $0.column > 0 })
    }
}
