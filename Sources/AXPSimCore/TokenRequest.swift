import Foundation

/// The body of the Generate JWT Token API (SPEC section 2), validated field by field.
public struct TokenRequest: Sendable, Equatable {
    public var integrationId: String
    public var customerId: String
    public var verifiedCustomer: Bool
    public var customerName: String?
    public var customerIdentifiers: [String: [String]]?
    /// Requested lifetime in minutes, if given.
    public var ttlMinutes: Int?
    /// axpsim's extension: requested lifetime in seconds, overriding `ttlMinutes`.
    public var ttlSeconds: Int?

    public init(
        integrationId: String, customerId: String, verifiedCustomer: Bool = false, customerName: String? = nil,
        customerIdentifiers: [String: [String]]? = nil, ttlMinutes: Int? = nil, ttlSeconds: Int? = nil
    ) {
        self.integrationId = integrationId
        self.customerId = customerId
        self.verifiedCustomer = verifiedCustomer
        self.customerName = customerName
        self.customerIdentifiers = customerIdentifiers
        self.ttlMinutes = ttlMinutes
        self.ttlSeconds = ttlSeconds
    }

    static let fields: Set<String> = [
        "integrationId", "customerId", "verifiedCustomer", "customerName", "customerIdentifiers", "ttl", "ttlSeconds",
    ]

    /// Validates a parsed body; reports every violation at once.
    public static func parse(_ object: [String: JSONValue]) throws(AXPSimError) -> TokenRequest {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: fields)
        let integrationId = reader.string("integrationId", required: true, pattern: .uuid)
        let customerId = reader.string("customerId", required: true, length: 1...256)
        let verified = reader.bool("verifiedCustomer") ?? false
        let name = reader.string("customerName", length: 0...70)
        let identifiers = reader.stringListMap("customerIdentifiers", keys: 1...10, keyLength: 1...50, count: 1...5, valueLength: 1...256)
        // The vendor's reference back end sends ttl as a string ("30"); the platform accepts it.
        let ttl = reader.lenientInt("ttl", range: 1...Int(Int32.max))
        let ttlSeconds = reader.int("ttlSeconds", range: 1...Int(Int32.max))
        try reader.check()
        guard let integrationId, let customerId else { throw .constraintViolation(reader.violations) }
        return TokenRequest(
            integrationId: integrationId, customerId: customerId, verifiedCustomer: verified, customerName: name,
            customerIdentifiers: verified ? identifiers : nil, ttlMinutes: ttl, ttlSeconds: ttlSeconds)
    }

    /// The token lifetime in seconds allowed by `integration`: `ttlSeconds` (1 s up to the maximum),
    /// else `ttl` minutes (within the integration's range), else the integration's default.
    public func lifetimeSeconds(for integration: Integration) throws(AXPSimError) -> Int {
        let maxSeconds = integration.maxTtlMinutes * 60
        if let ttlSeconds {
            guard ttlSeconds <= maxSeconds else {
                throw .constraintViolation([Violation(field: "ttlSeconds", message: "must be between 1 and \(maxSeconds)", code: .numberOutOfRange)])
            }
            return ttlSeconds
        }
        if let ttlMinutes {
            guard (integration.minTtlMinutes...integration.maxTtlMinutes).contains(ttlMinutes) else {
                throw .constraintViolation([
                    Violation(field: "ttl", message: "must be between \(integration.minTtlMinutes) and \(integration.maxTtlMinutes)", code: .numberOutOfRange)
                ])
            }
            return ttlMinutes * 60
        }
        return integration.defaultTtlMinutes * 60
    }
}
