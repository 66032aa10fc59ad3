import AXPSimCore
import Foundation
import Yams

/// Queues and integration routing in fixture files (SPEC section 10).
extension FixtureLoader {
    static let queueKeys = ["queueId", "name", "agents", "answerDelaySeconds", "greeting", "maxWaitSeconds", "averageHandleSeconds"]
    static let agentKeys = ["agentId", "displayName", "capacity", "routingAttributes", "state"]
    static let routingKeys = ["defaultQueue", "routingAttributes", "rules"]
    static let ruleKeys = ["name", "match", "queue", "routingAttributes", "scenario", "overflowQueue"]

    /// The nodes of an integration's routing, so that problems found once the account's queues
    /// are known point at their line.
    struct RoutingNodes {
        var integration: Node
        var defaultQueue: Node?
        var rules: [RuleNodes] = []

        struct RuleNodes {
            var rule: Node
            var fields: [String: Node]
            var matchKeys: [String: Node]
        }

        /// The node a problem is about.
        func node(for location: RoutingProblem.Location) -> Node {
            switch location {
            case .defaultQueue: return defaultQueue ?? integration
            case .rule(let index, let part):
                guard rules.indices.contains(index) else { return integration }
                let rule = rules[index]
                switch part {
                case .name: return rule.fields["name"] ?? rule.rule
                case .match: return rule.fields["match"] ?? rule.rule
                case .queue: return rule.fields["queue"] ?? rule.rule
                case .overflowQueue: return rule.fields["overflowQueue"] ?? rule.rule
                case .matchKey(let key): return rule.matchKeys[key] ?? rule.fields["match"] ?? rule.rule
                }
            }
        }
    }

    /// One queue of an account's `queues:`.
    static func queue(_ node: Node, accountId: String, reader: YAMLReader) -> RoutingQueue? {
        guard let fields = reader.mapping(node, "a queue", allowed: queueKeys, required: ["queueId"]),
            let id = reader.string(fields["queueId"], "queueId")
        else { return nil }
        var valid = true
        if !FieldPattern.fileName.isValid(id) {
            reader.report(fields["queueId"], "queueId '\(id)' \(FieldPattern.fileName.message)")
            valid = false
        }
        var queue = RoutingQueue(accountId: accountId, queueId: id, name: reader.string(fields["name"], "name"))
        queue.answerDelaySeconds = reader.int(fields["answerDelaySeconds"], "answerDelaySeconds", range: 0...86_400) ?? 0
        queue.greeting = reader.string(fields["greeting"], "greeting")
        queue.maxWaitSeconds = reader.int(fields["maxWaitSeconds"], "maxWaitSeconds", range: 1...604_800)
        queue.averageHandleSeconds =
            reader.int(fields["averageHandleSeconds"], "averageHandleSeconds", range: 1...86_400) ?? RoutingQueue.defaultAverageHandleSeconds
        for item in fields["agents"].flatMap({ reader.sequence($0, "agents") }) ?? [] {
            guard let agent = agent(item, reader: reader) else {
                valid = false
                continue
            }
            if queue.agents.contains(where: { $0.agentId == agent.agentId }) {
                reader.report(item, "agent \(agent.agentId) is listed twice in queue \(id)")
            }
            queue.agents.append(agent)
        }
        return valid ? queue : nil
    }

    static func agent(_ node: Node, reader: YAMLReader) -> QueueAgent? {
        guard let fields = reader.mapping(node, "an agent", allowed: agentKeys, required: ["agentId", "displayName"]),
            let id = reader.string(fields["agentId"], "agentId"), let name = reader.string(fields["displayName"], "displayName")
        else { return nil }
        if !FieldPattern.fileName.isValid(id) {
            reader.report(fields["agentId"], "agentId '\(id)' \(FieldPattern.fileName.message)")
            return nil
        }
        var agent = QueueAgent(agentId: id, displayName: name)
        agent.capacity = reader.int(fields["capacity"], "capacity", range: 1...100) ?? 1
        agent.routingAttributes = stringMap(fields["routingAttributes"], "routingAttributes", reader: reader) ?? [:]
        if let state = reader.string(fields["state"], "state") {
            if let parsed = AgentState(rawValue: state) {
                agent.state = parsed
            } else {
                reader.report(fields["state"], "state must be available or away, not '\(state)'")
            }
        }
        return agent
    }

    /// A mapping of strings (routing attributes).
    static func stringMap(_ node: Node?, _ what: String, reader: YAMLReader) -> [String: String]? {
        guard let node, let map = reader.mapping(node, what, allowed: node.mapping?.keys.compactMap(\.string) ?? []) else { return nil }
        return map.compactMapValues { reader.string($0, "a value of \(what)") }
    }

    /// An integration's `routing:` into `integration`, remembering where each part is.
    static func routing(_ node: Node, into integration: inout Integration, nodes: inout RoutingNodes, reader: YAMLReader) {
        guard let fields = reader.mapping(node, "routing", allowed: routingKeys) else { return }
        if let queueNode = fields["defaultQueue"], let queue = reader.string(queueNode, "defaultQueue") {
            if let given = integration.queue, given != queue {
                reader.report(queueNode, "defaultQueue differs from the integration's queue ('\(given)')", hint: "give the default queue once")
            }
            integration.queue = queue
            nodes.defaultQueue = queueNode
        }
        if let attributes = stringMap(fields["routingAttributes"], "routingAttributes", reader: reader) {
            if let given = integration.routingAttributes, given != attributes {
                reader.report(fields["routingAttributes"], "routingAttributes differ from the integration's", hint: "give the default attributes once")
            }
            integration.routingAttributes = attributes
        }
        for item in fields["rules"].flatMap({ reader.sequence($0, "rules") }) ?? [] {
            guard let ruleFields = reader.mapping(item, "a routing rule", allowed: ruleKeys, required: ["name", "match"]),
                let name = reader.string(ruleFields["name"], "name")
            else { continue }
            var rule = RoutingRule(name: name, match: [:])
            var matchKeys: [String: Node] = [:]
            if let match = ruleFields["match"], let mapping = reader.mapping(match, "match", allowed: match.mapping?.keys.compactMap(\.string) ?? []) {
                for key in mapping.keys.sorted() {
                    guard let value = mapping[key] else { continue }
                    matchKeys[key] = value
                    guard let json = reader.json(value, in: "a match condition") else { continue }
                    switch RoutingCondition.read(json) {
                    case .success(let condition): rule.match[key] = condition
                    case .failure(let problem): reader.report(value, "match \(key) \(problem.text)", hint: problem.hint)
                    }
                }
            }
            rule.queue = reader.string(ruleFields["queue"], "queue")
            rule.routingAttributes = stringMap(ruleFields["routingAttributes"], "routingAttributes", reader: reader)
            rule.scenario = reader.string(ruleFields["scenario"], "scenario")
            rule.overflowQueue = reader.string(ruleFields["overflowQueue"], "overflowQueue")
            integration.routingRules.append(rule)
            nodes.rules.append(RoutingNodes.RuleNodes(rule: item, fields: ruleFields, matchKeys: matchKeys))
        }
    }

    /// Checks every integration's routing against the account's queues.
    static func checkRouting(_ integrations: [(Integration, RoutingNodes)], queues: [RoutingQueue], reader: YAMLReader) {
        let ids = Set(queues.map(\.queueId))
        for (integration, nodes) in integrations {
            for problem in integration.routing.problems(queues: ids) {
                reader.report(nodes.node(for: problem.location), "integration \(integration.name): \(problem.message)", hint: problem.hint)
            }
        }
    }
}
