import Foundation

/// An end user of an account, known by the `customerId` its back end chose.
public struct Customer: Sendable, Equatable, Codable {
    public var accountId: String
    public var customerId: String
    public var verified: Bool
    public var displayName: String?
    /// Kept only for verified customers.
    public var customerIdentifiers: [String: [String]]?

    public init(accountId: String, customerId: String, verified: Bool, displayName: String?, customerIdentifiers: [String: [String]]?) {
        self.accountId = accountId
        self.customerId = customerId
        self.verified = verified
        self.displayName = displayName
        self.customerIdentifiers = verified ? customerIdentifiers : nil
    }
}

extension Customer {
    /// The JSON shape of an encoded customer (absent optionals are left out).
    public static let schema = JSONSchema.ref(
        "Customer",
        .object(
            [
                "accountId": .string(), "customerId": .string(), "verified": .boolean, "displayName": .string(),
                "customerIdentifiers": .map(.array(.string())),
            ], required: ["accountId", "customerId", "verified"]))
}
