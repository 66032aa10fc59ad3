import AXPSimCore
import Foundation
import Testing

/// Integration routing (SPEC section 10): conditions on context data, first match wins, defaults,
/// and the validation of rules against the account's queues.
@Suite struct RoutingRuleTests {
    static let context = RoutingContext(
        engagementParameters: ["language": "fr", "topic": "refund-42"], sessionParameters: ["page": "/help"], customerId: "ann", verified: true,
        customerIdentifiers: ["tier": ["silver", "gold"]])

    @Test func everyConditionKindMatchesAsWritten() {
        func values(_ path: String) -> [String] { Self.context.values(at: path) }
        #expect(RoutingCondition.equals(.string("fr")).isSatisfied(by: values("engagementParameters.language")))
        #expect(!RoutingCondition.equals(.string("en")).isSatisfied(by: values("engagementParameters.language")))
        #expect(RoutingCondition.equals(.bool(true)).isSatisfied(by: values("customer.verified")), "a boolean literal compares as text")
        #expect(RoutingCondition.oneOf([.string("gold"), .string("platinum")]).isSatisfied(by: values("customer.customerIdentifiers.tier")))
        #expect(RoutingCondition.regex("^refund-[0-9]+$").isSatisfied(by: values("engagementParameters.topic")))
        #expect(!RoutingCondition.regex("^REFUND").isSatisfied(by: values("engagementParameters.topic")))
        #expect(RoutingCondition.exists(true).isSatisfied(by: values("sessionParameters.page")))
        #expect(RoutingCondition.exists(false).isSatisfied(by: values("sessionParameters.device")))
        #expect(!RoutingCondition.exists(true).isSatisfied(by: values("engagementParameters.missing")))
        #expect(values("customer.customerId") == ["ann"] && values("customer.verified") == ["true"])
        #expect(RoutingCondition.equals(.int(3)).isSatisfied(by: ["3"]))
    }

    @Test func theFirstMatchingRuleWinsOverTheDefaults() {
        let routing = IntegrationRouting(
            defaultQueue: "general", routingAttributes: ["language": "en", "skill": "support"],
            rules: [
                RoutingRule(name: "no", match: ["engagementParameters.language": .equals(.string("de"))], queue: "german"),
                RoutingRule(
                    name: "fr", match: ["engagementParameters.language": .equals(.string("fr")), "customer.verified": .equals(.bool(true))],
                    queue: "french", routingAttributes: ["language": "fr"], scenario: "bonjour", overflowQueue: "general"),
                RoutingRule(name: "later", match: [:], queue: "never"),
            ])
        let routed = routing.route(Self.context, scenario: "integration-default")
        #expect(routed == RoutingDecision(
            rule: "fr", queue: "french", routingAttributes: ["language": "fr", "skill": "support"], scenario: "bonjour", overflowQueue: "general"))
        let plain = RoutingContext(customerId: "bob")
        let fallback = IntegrationRouting(defaultQueue: "general", rules: [routing.rules[1]]).route(plain, scenario: "integration-default")
        #expect(fallback == RoutingDecision(rule: nil, queue: "general", routingAttributes: [:], scenario: "integration-default"))
        let noQueue = IntegrationRouting(rules: [RoutingRule(name: "tag", match: [:], routingAttributes: ["vip": "yes"])]).route(plain, scenario: nil)
        #expect(noQueue.rule == "tag" && noQueue.queue == nil && noQueue.routingAttributes == ["vip": "yes"])
    }

    @Test func validationFindsUnknownQueuesBadPathsAndRulesThatCanNeverMatch() {
        let routing = IntegrationRouting(
            defaultQueue: "nowhere",
            rules: [
                RoutingRule(name: "fr", match: ["engagementParameters.language": .oneOf([.string("fr"), .string("be-fr")])], queue: "french"),
                RoutingRule(name: "fr-vip", match: ["engagementParameters.language": .equals(.string("fr")), "customer.verified": .equals(.bool(true))]),
                RoutingRule(name: "bad", match: ["customer.age": .exists(true)], queue: "ghost", overflowQueue: "ghost2"),
                RoutingRule(name: "fr", match: ["sessionParameters.page": .regex("(")]),
                RoutingRule(name: "self", match: ["customer.customerId": .equals(.string("x"))], queue: "french", overflowQueue: "french"),
                RoutingRule(name: "everything", match: [:], queue: "general"),
                RoutingRule(name: "after-everything", match: ["customer.verified": .exists(true)], queue: "general"),
            ])
        let problems = routing.problems(queues: ["general", "french"])
        let fields = problems.map(\.field)
        #expect(fields.contains("routing.defaultQueue"))
        #expect(problems.contains { $0.field == "routing.rules[1].match" && $0.message.contains("rule 'fr' (number 1)") }, "fr-vip is shadowed by fr")
        #expect(fields.contains("routing.rules[2].match.customer.age"))
        #expect(fields.contains("routing.rules[2].queue") && fields.contains("routing.rules[2].overflowQueue"))
        #expect(fields.contains("routing.rules[3].name"), "a duplicate name")
        #expect(fields.contains("routing.rules[3].match.sessionParameters.page"), "a bad regex")
        #expect(problems.contains { $0.field == "routing.rules[4].overflowQueue" && $0.message.contains("overflows to the queue it waits in") })
        #expect(problems.contains { $0.field == "routing.rules[6].match" && $0.message.contains("'everything'") })
        #expect(!fields.contains("routing.rules[5].match"), "a rule with fewer keys is not shadowed by a narrower one")
        #expect(problems.first { $0.field == "routing.defaultQueue" }?.hint?.contains("known: french, general") == true)
    }

    @Test func differentRegexesAndDisjointValuesDoNotShadow() {
        let a = RoutingRule(name: "a", match: ["engagementParameters.x": .regex("^a")])
        let b = RoutingRule(name: "b", match: ["engagementParameters.x": .regex("^b")])
        let c = RoutingRule(name: "c", match: ["engagementParameters.x": .equals(.string("apple"))])
        let d = RoutingRule(name: "d", match: ["engagementParameters.x": .exists(false)])
        #expect(!b.isShadowed(by: a) && c.isShadowed(by: a), "a literal the earlier pattern matches is shadowed")
        #expect(!d.isShadowed(by: RoutingRule(name: "e", match: ["engagementParameters.x": .exists(true)])))
        #expect(c.isShadowed(by: RoutingRule(name: "f", match: ["engagementParameters.x": .exists(true)])))
    }

    @Test func controlPlaneBodiesAreValidatedFieldByField() throws {
        let body: [String: JSONValue] = [
            "name": "web",
            "routing": .object([
                "defaultQueue": "general",
                "rules": .array([
                    .object(["name": "r1", "match": .object(["engagementParameters.x": .object(["regex": "("])])]),
                    .object(["name": "r2", "match": .object(["engagementParameters.y": .object(["between": .array([])])])]),
                    .object(["match": .object([:])]),
                ]),
            ]),
        ]
        do {
            _ = try ProvisioningRequests.integration(body, accountId: "ABCDEF")
            Issue.record("accepted")
        } catch {
            let fields = error.violations?.map(\.field) ?? []
            #expect(fields.contains("routing.rules[0].match.engagementParameters.x"))
            #expect(fields.contains("routing.rules[1].match.engagementParameters.y"))
            #expect(fields.contains("routing.rules[2].name"))
        }
        #expect(throws: AXPSimError.self, "the default queue given twice, differently") {
            try ProvisioningRequests.integration(["name": "web", "queue": "a", "routing": .object(["defaultQueue": "b"])], accountId: "ABCDEF")
        }
        let good = try ProvisioningRequests.integration(
            [
                "name": "web",
                "routing": .object([
                    "defaultQueue": "general", "routingAttributes": .object(["language": "en"]),
                    "rules": .array([.object(["name": "vip", "match": .object(["customer.verified": true]), "queue": "vip"])]),
                ]),
            ], accountId: "ABCDEF")
        #expect(good.queue == "general" && good.routingAttributes == ["language": "en"] && good.routingRules.map(\.name) == ["vip"])
        // PATCH: only what is given changes.
        let patched = try ProvisioningRequests.integration(["routing": .object(["defaultQueue": "other"])], accountId: "ABCDEF", current: good)
        #expect(patched.queue == "other" && patched.routingRules == good.routingRules)
        // Stored and read back through its JSON (scenario runs keep their integration so).
        let decoded = try JSONDecoder().decode(Integration.self, from: try JSONEncoder().encode(good))
        #expect(decoded == good)
    }

    @Test func queueBodiesAndAgentStates() throws {
        let queue = try RoutingRequests.queue(
            [
                "queueId": "general", "answerDelaySeconds": .int(20), "greeting": "Hi, I'm {agent}.",
                "agents": .array([.object(["agentId": "alice", "displayName": "Alice", "capacity": .int(2), "routingAttributes": .object(["language": "en"])])]),
            ], accountId: "ABCDEF")
        #expect(queue.agents == [QueueAgent(agentId: "alice", displayName: "Alice", capacity: 2, routingAttributes: ["language": "en"])])
        #expect(queue.greeting(by: queue.agents[0]) == "Hi, I'm Alice.")
        #expect(queue.estimatedWait(position: 3, capacity: 2) == 20 + 450 && queue.estimatedWait(position: 1, capacity: 0) == nil)
        #expect(throws: AXPSimError.self) {
            try RoutingRequests.queue(
                ["queueId": "../x", "agents": .array([.object(["agentId": "a", "displayName": "A"]), .object(["agentId": "a", "displayName": "B"])])],
                accountId: "ABCDEF")
        }
        #expect(try RoutingRequests.agentState(["state": "away"]) == .away)
        #expect(throws: AXPSimError.self) { try RoutingRequests.agentState(["state": "asleep"]) }
    }
}
