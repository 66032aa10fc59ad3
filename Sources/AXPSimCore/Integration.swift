import Foundation

/// A Chat Integration: the entry point of chats for one business function of an account.
public struct Integration: Sendable, Equatable, Codable {
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

    public init(
        integrationId: String, accountId: String, name: String,
        defaultTtlMinutes: Int = Integration.defaults.defaultTtlMinutes,
        minTtlMinutes: Int = Integration.defaults.minTtlMinutes,
        maxTtlMinutes: Int = Integration.defaults.maxTtlMinutes,
        reminderLeadSeconds: Int = Integration.defaults.reminderLeadSeconds,
        idleTimeoutSeconds: Int? = nil, queue: String? = nil,
        routingAttributes: [String: String]? = nil, scenario: String? = nil, maxOpenEngagements: Int? = nil
    ) {
        self.maxOpenEngagements = maxOpenEngagements
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
                "maxOpenEngagements": .integer(),
            ],
            required: ["integrationId", "accountId", "name", "defaultTtlMinutes", "minTtlMinutes", "maxTtlMinutes", "reminderLeadSeconds"]))
}
