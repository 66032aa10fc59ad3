import Foundation

/// How an integration routes its new chats (SPEC section 10): ordered rules on the chat's context
/// data, and the defaults when none matches.
public struct IntegrationRouting: Sendable, Equatable {
    public var defaultQueue: String?
    public var routingAttributes: [String: String]?
    public var rules: [RoutingRule]

    public init(defaultQueue: String? = nil, routingAttributes: [String: String]? = nil, rules: [RoutingRule] = []) {
        self.defaultQueue = defaultQueue
        self.routingAttributes = routingAttributes
        self.rules = rules
    }

    /// The route of a chat with `context`: the first matching rule's queue, attributes (over the
    /// integration's) and scenario, each falling back to the integration's (`scenario` is the
    /// integration's own); the defaults when no rule matches.
    public func route(_ context: RoutingContext, scenario: String?) -> RoutingDecision {
        let defaults = routingAttributes ?? [:]
        guard let rule = rules.first(where: { $0.matches(context) }) else {
            return RoutingDecision(rule: nil, queue: defaultQueue, routingAttributes: defaults, scenario: scenario)
        }
        return RoutingDecision(
            rule: rule.name, queue: rule.queue ?? defaultQueue, routingAttributes: defaults.merging(rule.routingAttributes ?? [:]) { $1 },
            scenario: rule.scenario ?? scenario, overflowQueue: rule.overflowQueue)
    }

    /// Everything wrong with the routing given the account's queue ids: unknown queues, paths
    /// that name no context data, duplicate rule names, overflow to the rule's own queue, and
    /// rules that can never match because an earlier rule matches every chat they would.
    public func problems(queues: Set<String>) -> [RoutingProblem] {
        var found: [RoutingProblem] = []
        let known = queues.sorted().joined(separator: ", ")
        func checkQueue(_ queue: String?, _ location: RoutingProblem.Location) {
            guard let queue, !queues.contains(queue) else { return }
            found.append(
                RoutingProblem(
                    location, "names the unknown queue '\(queue)'",
                    hint: "declare it in the account's queues (a queue without agents keeps its chats PENDING)"
                        + (queues.isEmpty ? "" : "; known: \(known)")))
        }
        checkQueue(defaultQueue, .defaultQueue)
        var names: [String: Int] = [:]
        for (index, rule) in rules.enumerated() {
            if let first = names[rule.name] {
                found.append(RoutingProblem(.rule(index, .name), "rule name '\(rule.name)' is also the name of rule \(first + 1)"))
            } else {
                names[rule.name] = index
            }
            for key in rule.match.keys.sorted() where !RoutingContext.isValidPath(key) {
                found.append(
                    RoutingProblem(
                        .rule(index, .matchKey(key)), "'\(key)' is not context data a rule can match",
                        hint: "use engagementParameters.NAME, sessionParameters.NAME, customer.verified, customer.customerId or customer.customerIdentifiers.NAME"))
            }
            for key in rule.match.keys.sorted() {
                if let error = rule.match[key]?.patternError { found.append(RoutingProblem(.rule(index, .matchKey(key)), error)) }
            }
            checkQueue(rule.queue, .rule(index, .queue))
            checkQueue(rule.overflowQueue, .rule(index, .overflowQueue))
            if let overflow = rule.overflowQueue, overflow == (rule.queue ?? defaultQueue) {
                found.append(RoutingProblem(.rule(index, .overflowQueue), "overflows to the queue it waits in ('\(overflow)')"))
            }
            if let earlier = rules[..<index].firstIndex(where: { rule.isShadowed(by: $0) }) {
                found.append(
                    RoutingProblem(
                        .rule(index, .match), "rule '\(rule.name)' can never match: rule '\(rules[earlier].name)' (number \(earlier + 1)) comes first and matches every chat it would",
                        hint: "move it above rule '\(rules[earlier].name)', or make its conditions differ"))
            }
        }
        return found
    }

    /// The routing as JSON: `{defaultQueue, routingAttributes, rules}` (absent optionals left out).
    public var json: JSONValue {
        var object: [String: JSONValue] = ["rules": .array(rules.map(\.json))]
        if let defaultQueue { object["defaultQueue"] = .string(defaultQueue) }
        if let routingAttributes { object["routingAttributes"] = .strings(routingAttributes) }
        return .object(object)
    }
}

/// A mistake in an integration's routing, located so that fixtures can point at the line and the
/// control plane can name the field.
public struct RoutingProblem: Sendable, Equatable {
    /// Which part of the routing.
    public enum Location: Sendable, Equatable {
        case defaultQueue
        case rule(Int, RuleField)
    }

    /// Which part of a rule.
    public enum RuleField: Sendable, Equatable {
        case name, match, queue, overflowQueue
        case matchKey(String)
    }

    /// A message with an optional hint, as readers report them.
    public struct Message: Sendable, Equatable, Error {
        public var text: String
        public var hint: String?

        public init(_ text: String, hint: String? = nil) {
            self.text = text
            self.hint = hint
        }
    }

    public var location: Location
    public var message: String
    public var hint: String?

    public init(_ location: Location, _ message: String, hint: String? = nil) {
        self.location = location
        self.message = message
        self.hint = hint
    }

    /// The field path under the integration's `routing` (`routing.rules[1].queue`).
    public var field: String {
        switch location {
        case .defaultQueue: return "routing.defaultQueue"
        case .rule(let index, let part):
            let rule = "routing.rules[\(index)]"
            switch part {
            case .name: return "\(rule).name"
            case .match: return "\(rule).match"
            case .queue: return "\(rule).queue"
            case .overflowQueue: return "\(rule).overflowQueue"
            case .matchKey(let key): return "\(rule).match.\(key)"
            }
        }
    }

    /// As a control-plane violation.
    public var violation: Violation {
        Violation(field: field, message: hint.map { "\(message) (\($0))" } ?? message, code: .invalidValue)
    }
}
