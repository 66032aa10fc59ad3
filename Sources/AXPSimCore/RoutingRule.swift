import Foundation

/// What one key of a routing rule's `match` asks of the chat's context data (SPEC section 10).
public enum RoutingCondition: Sendable, Equatable {
    /// A literal: the value equals it (compared as text, so `true` matches `"true"`).
    case equals(JSONValue)
    /// `{"in": […]}`: the value is one of these.
    case oneOf([JSONValue])
    /// `{"regex": "…"}`: an `NSRegularExpression` found anywhere in the value.
    case regex(String)
    /// `{"exists": true|false}`: the value is present (or absent).
    case exists(Bool)

    /// Whether `values` (the context's values at the key; empty when absent; several for a
    /// customer identifier) satisfy the condition: any one of them may.
    public func isSatisfied(by values: [String]) -> Bool {
        switch self {
        case .exists(let wanted): return wanted == !values.isEmpty
        case .equals(let literal): return values.contains(Self.text(literal))
        case .oneOf(let literals):
            let allowed = Set(literals.map(Self.text))
            return values.contains(where: allowed.contains)
        case .regex(let pattern):
            // Patterns are checked when a rule is read (``patternError``); one that does not compile matches nothing.
            let expression: NSRegularExpression
            do {
                expression = try NSRegularExpression(pattern: pattern)
            } catch {
                return false
            }
            return values.contains { expression.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }
        }
    }

    /// Whether every value that satisfies `self` also satisfies `other` (used to find rules an
    /// earlier rule shadows). False when that cannot be told (two different patterns).
    public func implies(_ other: RoutingCondition) -> Bool {
        switch (self, other) {
        case (_, .exists(true)): return self != .exists(false)
        case (.exists(false), .exists(false)): return true
        case (_, .exists(false)): return false
        case (.equals(let a), _): return other.isSatisfied(by: [Self.text(a)])
        case (.oneOf(let values), _): return values.allSatisfy { other.isSatisfied(by: [Self.text($0)]) }
        case (.regex(let a), .regex(let b)): return a == b
        default: return false
        }
    }

    /// The text a literal is compared as.
    public static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .double(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .null: "null"
        case .array, .object: String(decoding: value.jsonData, as: UTF8.self)
        }
    }

    /// The compile error of a regex condition's pattern, or nil.
    public var patternError: String? {
        guard case .regex(let pattern) = self else { return nil }
        do {
            _ = try NSRegularExpression(pattern: pattern)
            return nil
        } catch {
            return "is not a valid regular expression (NSRegularExpression syntax)"
        }
    }

    /// The condition as JSON: the literal, or `{"in"}`, `{"regex"}`, `{"exists"}`.
    public var json: JSONValue {
        switch self {
        case .equals(let literal): literal
        case .oneOf(let values): .object(["in": .array(values)])
        case .regex(let pattern): .object(["regex": .string(pattern)])
        case .exists(let flag): .object(["exists": .bool(flag)])
        }
    }

    /// Reads a condition from its JSON; a message saying what is wrong otherwise.
    public static func read(_ value: JSONValue) -> Result<RoutingCondition, RoutingProblem.Message> {
        switch value {
        case .string, .bool, .int, .double: return .success(.equals(value))
        case .object(let object):
            guard object.count == 1, let (key, inner) = object.first else {
                return .failure(.init("must be a literal or an object with one of in, regex, exists"))
            }
            switch (key, inner) {
            case ("in", .array(let items)) where !items.isEmpty && items.allSatisfy(\.isScalar): return .success(.oneOf(items))
            case ("in", _): return .failure(.init("'in' must be a non-empty list of literals"))
            case ("regex", .string(let pattern)):
                let condition = RoutingCondition.regex(pattern)
                if let error = condition.patternError { return .failure(.init("regex '\(pattern)' \(error)")) }
                return .success(condition)
            case ("regex", _): return .failure(.init("'regex' must be a string"))
            case ("exists", .bool(let flag)): return .success(.exists(flag))
            case ("exists", _): return .failure(.init("'exists' must be true or false"))
            default: return .failure(.init("unknown condition '\(key)'", hint: "use a literal, {in: [...]}, {regex: ...} or {exists: true}"))
            }
        default: return .failure(.init("must be a literal or an object with one of in, regex, exists, not \(value.typeName)"))
        }
    }
}

extension JSONValue {
    /// True for strings, numbers and booleans.
    var isScalar: Bool {
        switch self {
        case .string, .bool, .int, .double: true
        default: false
        }
    }
}

/// One rule of an integration's routing: when every key of `match` is satisfied by the chat's
/// context data, the chat goes to `queue` with `routingAttributes`, and `scenario` runs as its
/// orchestration workflow. Rules are tried in order; the first that matches wins.
public struct RoutingRule: Sendable, Equatable {
    public var name: String
    /// Context-data paths (``RoutingContext/paths``) and what each must satisfy.
    public var match: [String: RoutingCondition]
    public var queue: String?
    public var routingAttributes: [String: String]?
    public var scenario: String?
    /// Where the chat goes when it has waited its queue's `maxWaitSeconds`.
    public var overflowQueue: String?

    public init(
        name: String, match: [String: RoutingCondition], queue: String? = nil, routingAttributes: [String: String]? = nil, scenario: String? = nil,
        overflowQueue: String? = nil
    ) {
        self.name = name
        self.match = match
        self.queue = queue
        self.routingAttributes = routingAttributes
        self.scenario = scenario
        self.overflowQueue = overflowQueue
    }

    /// Whether the chat's context satisfies every key.
    public func matches(_ context: RoutingContext) -> Bool {
        match.allSatisfy { $0.value.isSatisfied(by: context.values(at: $0.key)) }
    }

    /// Whether every chat this rule matches is matched by `earlier` first: each key of `earlier`
    /// is a key here whose condition implies `earlier`'s.
    public func isShadowed(by earlier: RoutingRule) -> Bool {
        earlier.match.allSatisfy { key, condition in match[key].map { $0.implies(condition) } ?? false }
    }

    /// The rule as JSON (absent optionals left out).
    public var json: JSONValue {
        var object: [String: JSONValue] = ["name": .string(name), "match": .object(match.mapValues(\.json))]
        if let queue { object["queue"] = .string(queue) }
        if let routingAttributes { object["routingAttributes"] = .strings(routingAttributes) }
        if let scenario { object["scenario"] = .string(scenario) }
        if let overflowQueue { object["overflowQueue"] = .string(overflowQueue) }
        return .object(object)
    }
}

/// A chat's context data, as routing rules read it.
public struct RoutingContext: Sendable, Equatable {
    public var engagementParameters: [String: String]
    public var sessionParameters: [String: String]
    public var customerId: String
    public var verified: Bool
    public var customerIdentifiers: [String: [String]]

    public init(
        engagementParameters: [String: String] = [:], sessionParameters: [String: String] = [:], customerId: String, verified: Bool = false,
        customerIdentifiers: [String: [String]] = [:]
    ) {
        self.engagementParameters = engagementParameters
        self.sessionParameters = sessionParameters
        self.customerId = customerId
        self.verified = verified
        self.customerIdentifiers = customerIdentifiers
    }

    /// The paths a rule may match on: fixed ones, and prefixes followed by a name.
    public static let paths = ["customer.verified", "customer.customerId"]
    public static let pathPrefixes = ["engagementParameters.", "sessionParameters.", "customer.customerIdentifiers."]

    /// Whether `path` names context data (a fixed path, or a prefix and a name).
    public static func isValidPath(_ path: String) -> Bool {
        paths.contains(path) || pathPrefixes.contains { path.hasPrefix($0) && path.count > $0.count }
    }

    /// The values at `path` (empty when absent).
    public func values(at path: String) -> [String] {
        switch path {
        case "customer.verified": return [verified ? "true" : "false"]
        case "customer.customerId": return [customerId]
        default:
            if let name = path.dropPrefix("engagementParameters.") { return engagementParameters[name].map { [$0] } ?? [] }
            if let name = path.dropPrefix("sessionParameters.") { return sessionParameters[name].map { [$0] } ?? [] }
            if let name = path.dropPrefix("customer.customerIdentifiers.") { return customerIdentifiers[name] ?? [] }
            return []
        }
    }
}

extension String {
    /// The rest after `prefix`, or nil when the string does not start with it.
    func dropPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}

/// Where a routed chat went and why: recorded on the engagement when it is created.
public struct RoutingDecision: Sendable, Equatable, Codable {
    /// The rule that matched; nil: the integration's defaults.
    public var rule: String?
    public var queue: String?
    public var routingAttributes: [String: String]
    public var scenario: String?
    public var overflowQueue: String?
    /// The queue the chat overflowed from, once it did.
    public var overflowedFrom: String?

    public init(
        rule: String?, queue: String?, routingAttributes: [String: String], scenario: String?, overflowQueue: String? = nil,
        overflowedFrom: String? = nil
    ) {
        self.rule = rule
        self.queue = queue
        self.routingAttributes = routingAttributes
        self.scenario = scenario
        self.overflowQueue = overflowQueue
        self.overflowedFrom = overflowedFrom
    }

    /// The decision as JSON, every key present (`null` when unset).
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "rule": .optional(rule), "queue": .optional(queue), "routingAttributes": .strings(routingAttributes), "scenario": .optional(scenario),
        ]
        if let overflowQueue { object["overflowQueue"] = .string(overflowQueue) }
        if let overflowedFrom { object["overflowedFrom"] = .string(overflowedFrom) }
        return .object(object)
    }

    /// The JSON shape of ``json``.
    public static let schema = JSONSchema.ref(
        "Routing",
        .object(
            [
                "rule": JSONSchema.string().nullable, "queue": JSONSchema.string().nullable, "routingAttributes": .map(.string()),
                "scenario": JSONSchema.string().nullable, "overflowQueue": .string(), "overflowedFrom": .string(),
            ], required: ["rule", "queue", "routingAttributes", "scenario"]))
}
