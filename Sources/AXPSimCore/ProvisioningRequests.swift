import Foundation

/// Control-plane bodies for provisioning accounts, API clients, app keys and integrations,
/// validated with the same field-level rules as the platform-shaped APIs.
public enum ProvisioningRequests {
    /// `POST /__sim/accounts` → a new account (id generated when omitted).
    public static func account(_ object: [String: JSONValue]) throws(AXPSimError) -> Account {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["accountId", "name"])
        let id = reader.string("accountId", length: 6...6, pattern: .accountId)
        let name = reader.string("name", length: 1...200)
        try reader.check()
        let accountId = id ?? Identifiers.newAccountId()
        return Account(accountId: accountId, name: name ?? accountId)
    }

    /// `PATCH /__sim/accounts/{a}` → the new name.
    public static func accountPatch(_ object: [String: JSONValue], current: Account) throws(AXPSimError) -> Account {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["name"])
        let name = reader.string("name", length: 1...200)
        try reader.check()
        var updated = current
        if let name { updated.name = name }
        return updated
    }

    /// `POST /__sim/accounts/{a}/clients`.
    public static func client(_ object: [String: JSONValue], accountId: String) throws(AXPSimError) -> APIClient {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["clientId", "clientSecret"])
        let id = reader.string("clientId", length: 1...128)
        let secret = reader.string("clientSecret", length: 1...256)
        try reader.check()
        return APIClient(
            accountId: accountId, clientId: id ?? Identifiers.randomToken(prefix: "client-", length: 12),
            clientSecret: secret ?? Identifiers.randomToken(length: 40))
    }

    /// `POST /__sim/accounts/{a}/appkeys`.
    public static func appKey(_ object: [String: JSONValue], accountId: String) throws(AXPSimError) -> AppKey {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["appKey"])
        let key = reader.string("appKey", length: 1...256)
        try reader.check()
        return AppKey(accountId: accountId, appKey: key ?? Identifiers.randomToken(length: 32))
    }

    static let integrationFields: Set<String> = [
        "integrationId", "name", "defaultTtlMinutes", "minTtlMinutes", "maxTtlMinutes", "reminderLeadSeconds",
        "idleTimeoutSeconds", "queue", "routingAttributes", "scenario", "maxOpenEngagements", "routing",
    ]

    /// `POST /__sim/accounts/{a}/integrations` (no `current`) or `PATCH …/{i}` (with `current`).
    public static func integration(_ object: [String: JSONValue], accountId: String, current: Integration? = nil) throws(AXPSimError) -> Integration {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: current == nil ? integrationFields : integrationFields.subtracting(["integrationId"]))
        let id = reader.string("integrationId", pattern: .uuid)
        let name = reader.string("name", required: current == nil, length: 1...200)
        let ttlRange = 1...(24 * 60)
        let defaultTtl = reader.int("defaultTtlMinutes", range: ttlRange)
        let minTtl = reader.int("minTtlMinutes", range: ttlRange)
        let maxTtl = reader.int("maxTtlMinutes", range: ttlRange)
        let lead = reader.int("reminderLeadSeconds", range: 0...86_400)
        let idle = reader.int("idleTimeoutSeconds", range: 1...86_400)
        let queue = reader.string("queue", length: 1...200)
        let attributes = reader.stringMap("routingAttributes")
        let scenario = reader.string("scenario", length: 1...200)
        let maxOpen = reader.int("maxOpenEngagements", range: 1...100)
        let routing = reader.object("routing", RoutingRequests.routing(_:))
        if let routing {
            // `queue` and `routingAttributes` are the short spellings of the routing's defaults.
            if let given = routing.defaultQueue, let queue, given != queue {
                reader.fail("routing.defaultQueue", "differs from queue ('\(queue)'): give the default queue once", .invalidValue)
            }
            if let given = routing.routingAttributes, let attributes, given != attributes {
                reader.fail("routing.routingAttributes", "differs from routingAttributes: give the default attributes once", .invalidValue)
            }
        }
        try reader.check()
        var result = current ?? Integration(integrationId: (id ?? Identifiers.newUUID()).lowercased(), accountId: accountId, name: name ?? "")
        if let name { result.name = name }
        if let defaultTtl { result.defaultTtlMinutes = defaultTtl }
        if let minTtl { result.minTtlMinutes = minTtl }
        if let maxTtl { result.maxTtlMinutes = maxTtl }
        if let lead { result.reminderLeadSeconds = lead }
        if object["idleTimeoutSeconds"] != nil { result.idleTimeoutSeconds = idle }
        if object["queue"] != nil { result.queue = queue }
        if object["routingAttributes"] != nil { result.routingAttributes = attributes }
        if object["scenario"] != nil { result.scenario = scenario }
        if object["maxOpenEngagements"] != nil { result.maxOpenEngagements = maxOpen }
        if let routing {
            // Merged like the top-level fields: what the object gives replaces, the rest stays.
            if let queue = routing.defaultQueue { result.queue = queue }
            if let attributes = routing.routingAttributes { result.routingAttributes = attributes }
            if object["routing"]?.objectValue["rules"] != nil { result.routingRules = routing.rules }
        }
        try result.validateTtlRange()
        return result
    }
}

extension Integration {
    /// Checks `minTtlMinutes ≤ defaultTtlMinutes ≤ maxTtlMinutes`.
    public func validateTtlRange() throws(AXPSimError) {
        var violations: [Violation] = []
        if minTtlMinutes > maxTtlMinutes {
            violations.append(Violation(field: "minTtlMinutes", message: "must not exceed maxTtlMinutes (\(maxTtlMinutes))", code: .numberOutOfRange))
        }
        if !(minTtlMinutes...max(minTtlMinutes, maxTtlMinutes)).contains(defaultTtlMinutes) {
            violations.append(
                Violation(field: "defaultTtlMinutes", message: "must be between minTtlMinutes and maxTtlMinutes", code: .numberOutOfRange))
        }
        if !violations.isEmpty { throw .constraintViolation(violations) }
    }
}
