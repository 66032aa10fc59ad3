import Foundation

/// A Chat Integration: the entry point of chats for one business function of an account.
public struct Integration: Sendable, Equatable {
    public var integrationId: String
    public var accountId: String
    public var name: String
    public var defaultTtlMinutes: Int
    public var minTtlMinutes: Int
    public var maxTtlMinutes: Int
    public var reminderLeadSeconds: Int
    public var idleTimeoutSeconds: Int?
    public var queue: String?
    public var routingAttributes: [String: String]?
    public var scenario: String?
    /// Most chats a customer's conversation may have open at once; nil: the SDK family's default
    /// (one for the Omni SDK, any number for the Chat SDK).
    public var maxOpenEngagements: Int?
    /// Ordered routing rules on the chat's context data; `queue` and `routingAttributes` are the
    /// defaults when none matches (see ``routing``).
    public var routingRules: [RoutingRule]

    public init(
        integrationId: String, accountId: String, name: String,
        defaultTtlMinutes: Int = Integration.defaults.defaultTtlMinutes,
        minTtlMinutes: Int = Integration.defaults.minTtlMinutes,
        maxTtlMinutes: Int = Integration.defaults.maxTtlMinutes,
        reminderLeadSeconds: Int = Integration.defaults.reminderLeadSeconds,
        idleTimeoutSeconds: Int? = nil, queue: String? = nil,
        routingAttributes: [String: String]? = nil, scenario: String? = nil, maxOpenEngagements: Int? = nil,
        routingRules: [RoutingRule] = []
    ) {
        self.maxOpenEngagements = maxOpenEngagements
        self.routingRules = routingRules
        self.integrationId = integrationId
        self.accountId = accountId
        self.name = name
        self.defaultTtlMinutes = defaultTtlMinutes
        self.minTtlMinutes = minTtlMinutes
        self.maxTtlMinutes = maxTtlMinutes
        self.reminderLeadSeconds = reminderLeadSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.queue = queue
        self.routingAttributes = routingAttributes
        self.scenario = scenario
    }

    /// The integration's routing: its rules, with `queue` as the default queue and
    /// `routingAttributes` as the default attributes.
    public var routing: IntegrationRouting {
        get { IntegrationRouting(defaultQueue: queue, routingAttributes: routingAttributes, rules: routingRules) }
        set {
            queue = newValue.defaultQueue
            routingAttributes = newValue.routingAttributes
            routingRules = newValue.rules
        }
    }

    /// Where a chat with `context` goes.
    public func route(_ context: RoutingContext) -> RoutingDecision {
        routing.route(context, scenario: scenario)
    }

    /// The platform's defaults for a new integration.
    public static let defaults = (defaultTtlMinutes: 15, minTtlMinutes: 15, maxTtlMinutes: 60, reminderLeadSeconds: 180)
}

extension Integration {
    /// The JSON shape of an encoded integration (absent optionals are left out).
    public static let schema = JSONSchema.ref(
        "Integration",
        .object(
            [
                "integrationId": .string(pattern: FieldPattern.uuid.pattern), "accountId": .string(), "name": .string(),
                "defaultTtlMinutes": .integer(), "minTtlMinutes": .integer(), "maxTtlMinutes": .integer(), "reminderLeadSeconds": .integer(),
                "idleTimeoutSeconds": .integer(), "queue": .string(), "routingAttributes": .map(.string()), "scenario": .string(),
                "maxOpenEngagements": .integer(), "routing": IntegrationRouting.schema,
            ],
            required: [
                "integrationId", "accountId", "name", "defaultTtlMinutes", "minTtlMinutes", "maxTtlMinutes", "reminderLeadSeconds", "routing",
            ]))
}

extension Integration: Codable {
    private enum CodingKeys: String, CodingKey {
        case integrationId, accountId, name, defaultTtlMinutes, minTtlMinutes, maxTtlMinutes, reminderLeadSeconds, idleTimeoutSeconds
        case queue, routingAttributes, scenario, maxOpenEngagements, routing
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            integrationId: try c.decode(String.self, forKey: .integrationId), accountId: try c.decode(String.self, forKey: .accountId),
            name: try c.decode(String.self, forKey: .name), defaultTtlMinutes: try c.decode(Int.self, forKey: .defaultTtlMinutes),
            minTtlMinutes: try c.decode(Int.self, forKey: .minTtlMinutes), maxTtlMinutes: try c.decode(Int.self, forKey: .maxTtlMinutes),
            reminderLeadSeconds: try c.decode(Int.self, forKey: .reminderLeadSeconds),
            idleTimeoutSeconds: try c.decodeIfPresent(Int.self, forKey: .idleTimeoutSeconds), queue: try c.decodeIfPresent(String.self, forKey: .queue),
            routingAttributes: try c.decodeIfPresent([String: String].self, forKey: .routingAttributes),
            scenario: try c.decodeIfPresent(String.self, forKey: .scenario), maxOpenEngagements: try c.decodeIfPresent(Int.self, forKey: .maxOpenEngagements))
        if let routing = try c.decodeIfPresent(JSONValue.self, forKey: .routing) {
            do {
                routingRules = try RoutingRequests.rules(of: routing)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .routing, in: c, debugDescription: "\(error)")
            }
        }
    }

    /// The stored fields, and `routing` as ``IntegrationRouting/json``.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(integrationId, forKey: .integrationId)
        try c.encode(accountId, forKey: .accountId)
        try c.encode(name, forKey: .name)
        try c.encode(defaultTtlMinutes, forKey: .defaultTtlMinutes)
        try c.encode(minTtlMinutes, forKey: .minTtlMinutes)
        try c.encode(maxTtlMinutes, forKey: .maxTtlMinutes)
        try c.encode(reminderLeadSeconds, forKey: .reminderLeadSeconds)
        try c.encodeIfPresent(idleTimeoutSeconds, forKey: .idleTimeoutSeconds)
        try c.encodeIfPresent(queue, forKey: .queue)
        try c.encodeIfPresent(routingAttributes, forKey: .routingAttributes)
        try c.encodeIfPresent(scenario, forKey: .scenario)
        try c.encodeIfPresent(maxOpenEngagements, forKey: .maxOpenEngagements)
        try c.encode(routing.json, forKey: .routing)
    }
}
