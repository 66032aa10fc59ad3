import Foundation

/// Control-plane bodies of SPEC section 10 (queues, agent states, an integration's `routing`),
/// validated with the same field-level rules as every other request.
public enum RoutingRequests {
    static let queueFields: Set<String> = [
        "queueId", "name", "agents", "answerDelaySeconds", "greeting", "maxWaitSeconds", "averageHandleSeconds",
    ]

    /// `POST /__sim/accounts/{a}/queues` (no `current`; `queueId` generated when omitted) or
    /// `PATCH …/queues/{q}` (with `current`: given fields replace its own).
    public static func queue(_ object: [String: JSONValue], accountId: String, current: RoutingQueue? = nil) throws(AXPSimError) -> RoutingQueue {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: current == nil ? queueFields : queueFields.subtracting(["queueId"]))
        let id = reader.string("queueId", pattern: .fileName)
        let name = reader.string("name", length: 1...200)
        let agents = reader.objects("agents", count: 0...200, agent)
        let delay = reader.int("answerDelaySeconds", range: 0...86_400)
        let greeting = reader.string("greeting", length: 1...4096)
        let maxWait = reader.int("maxWaitSeconds", range: 1...604_800)
        let handle = reader.int("averageHandleSeconds", range: 1...86_400)
        if let agents {
            var seen = Set<String>()
            for (index, agent) in agents.enumerated() where !seen.insert(agent.agentId).inserted {
                reader.fail("agents[\(index)].agentId", "agent \(agent.agentId) is listed twice", .invalidValue)
            }
        }
        try reader.check()
        var result = current ?? RoutingQueue(accountId: accountId, queueId: id ?? Identifiers.randomToken(prefix: "queue-", length: 8))
        if let name { result.name = name }
        if let agents { result.agents = agents }
        if let delay { result.answerDelaySeconds = delay }
        if object["greeting"] != nil { result.greeting = greeting }
        if object["maxWaitSeconds"] != nil { result.maxWaitSeconds = maxWait }
        if let handle { result.averageHandleSeconds = handle }
        return result
    }

    /// One agent of a queue's `agents`.
    static func agent(_ reader: inout FieldReader) -> QueueAgent? {
        reader.rejectUnknown(allowed: ["agentId", "displayName", "capacity", "routingAttributes", "state"])
        let id = reader.string("agentId", pattern: .fileName)
        let name = reader.string("displayName", required: true, length: 1...200)
        let capacity = reader.int("capacity", range: 1...100)
        let attributes = reader.stringMap("routingAttributes")
        let state = reader.keyword("state", oneOf: AgentState.allCases.map(\.rawValue))
        guard let name else { return nil }
        return QueueAgent(
            agentId: id ?? Identifiers.randomToken(prefix: "agent-", length: 8), displayName: name, capacity: capacity ?? 1,
            routingAttributes: attributes ?? [:], state: state.flatMap(AgentState.init(rawValue:)) ?? .available)
    }

    /// `POST …/queues/{q}/agents/{agentId}/state` → the new state.
    public static func agentState(_ object: [String: JSONValue]) throws(AXPSimError) -> AgentState {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["state"])
        let state = reader.keyword("state", required: true, oneOf: AgentState.allCases.map(\.rawValue))
        try reader.check()
        return state.flatMap(AgentState.init(rawValue:)) ?? .available
    }

    /// An integration's `routing` object: `{defaultQueue?, routingAttributes?, rules?}`.
    static func routing(_ reader: inout FieldReader) -> IntegrationRouting? {
        reader.rejectUnknown(allowed: ["defaultQueue", "routingAttributes", "rules"])
        let queue = reader.string("defaultQueue", length: 1...200)
        let attributes = reader.stringMap("routingAttributes")
        let rules = reader.objects("rules", count: 0...200, rule)
        return IntegrationRouting(defaultQueue: queue, routingAttributes: attributes, rules: rules ?? [])
    }

    /// One rule of `routing.rules`.
    static func rule(_ reader: inout FieldReader) -> RoutingRule? {
        reader.rejectUnknown(allowed: ["name", "match", "queue", "routingAttributes", "scenario", "overflowQueue"])
        let name = reader.string("name", required: true, length: 1...200)
        let match = reader.conditions("match")
        let queue = reader.string("queue", length: 1...200)
        let attributes = reader.stringMap("routingAttributes")
        let scenario = reader.string("scenario", length: 1...200)
        let overflow = reader.string("overflowQueue", length: 1...200)
        guard let name else { return nil }
        return RoutingRule(
            name: name, match: match ?? [:], queue: queue, routingAttributes: attributes, scenario: scenario, overflowQueue: overflow)
    }

    /// The rules of a stored or encoded `routing` object (``IntegrationRouting/json``).
    public static func rules(of routing: JSONValue) throws(AXPSimError) -> [RoutingRule] {
        var reader = FieldReader(["routing": routing])
        let read = reader.object("routing", routing(_:))
        try reader.check()
        return read?.rules ?? []
    }
}

extension IntegrationRouting {
    /// The JSON shape of ``json`` (recorded from the validator).
    public static let schema = JSONSchema.ref("IntegrationRouting", FieldReader.schema { object -> IntegrationRouting? in
        var reader = FieldReader(object)
        let read = RoutingRequests.routing(&reader)
        try reader.check()
        return read
    })
}

extension FieldReader {
    /// A rule's `match`: context-data paths, each with a literal or `{in}`, `{regex}`, `{exists}`.
    mutating func conditions(_ field: String) -> [String: RoutingCondition]? {
        let literal = JSONSchema.anyOf([.string(), .number(range: nil), .boolean])
        let condition = JSONSchema.anyOf([
            literal, .object(["in": .array(literal, count: 1...1000)], required: ["in"]),
            .object(["regex": .string()], required: ["regex"]), .object(["exists": .boolean], required: ["exists"]),
        ])
        return map(field, maxKeys: 50, values: condition) { value in
            RoutingCondition.read(value).mapError { problem in
                Problem(problem.hint.map { "\(problem.text) (\($0))" } ?? problem.text, .invalidValue)
            }
        }
    }
}
