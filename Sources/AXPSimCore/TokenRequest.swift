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
        let integrationId = reader.string("integrationId", required: true)
        if let integrationId, !Identifiers.isValidUUID(integrationId) {
            reader.fail("integrationId", "must match the UUID pattern", .patternMismatch)
        }
        let customerId = reader.string("customerId", required: true, length: 1...256)
        let verified = reader.bool("verifiedCustomer") ?? false
        let name = reader.string("customerName", length: 0...70)
        let identifiers = parseIdentifiers(&reader)
        // The vendor's reference back end sends ttl as a string ("30"); the platform accepts it.
        let ttl = reader.lenientInt("ttl", range: 1...Int(Int32.max))
        let ttlSeconds = reader.int("ttlSeconds", range: 1...Int(Int32.max))
        try reader.check()
        guard let integrationId, let customerId else { throw .constraintViolation(reader.violations) }
        return TokenRequest(
            integrationId: integrationId, customerId: customerId, verifiedCustomer: verified, customerName: name,
            customerIdentifiers: verified ? identifiers : nil, ttlMinutes: ttl, ttlSeconds: ttlSeconds)
    }

    private static func parseIdentifiers(_ reader: inout FieldReader) -> [String: [String]]? {
        let field = "customerIdentifiers"
        switch reader.object[field] {
        case nil, .null?:
            return nil
        case .object(let map)?:
            if !(1...10).contains(map.count) {
                reader.fail(field, "must have between 1 and 10 keys", .sizeOutOfRange)
            }
            var result: [String: [String]] = [:]
            for key in map.keys.sorted() {
                let path = "\(field).\(key)"
                if !(1...50).contains(key.count) {
                    reader.fail(path, "key size must be between 1 and 50", .sizeOutOfRange)
                }
                guard case .array(let values)? = map[key] else {
                    reader.fail(path, "must be an array of strings", .invalidType)
                    continue
                }
                if !(1...5).contains(values.count) {
                    reader.fail(path, "must have between 1 and 5 values", .sizeOutOfRange)
                }
                var strings: [String] = []
                for (index, value) in values.enumerated() {
                    guard case .string(let text) = value else {
                        reader.fail("\(path)[\(index)]", "must be a string, not \(value.typeName)", .invalidType)
                        continue
                    }
                    if !(1...256).contains(text.count) {
                        reader.fail("\(path)[\(index)]", "size must be between 1 and 256", .sizeOutOfRange)
                    }
                    strings.append(text)
                }
                result[key] = strings
            }
            return result
        case let other?:
            reader.fail(field, "must be an object, not \(other.typeName)", .invalidType)
            return nil
        }
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
