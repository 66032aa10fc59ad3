import Foundation

/// A tenant of the platform, identified by six ASCII letters.
public struct Account: Sendable, Equatable, Codable {
    public var accountId: String
    public var name: String

    public init(accountId: String, name: String) {
        self.accountId = accountId
        self.name = name
    }
}

extension Account {
    /// The JSON shape of an encoded account.
    public static let schema = JSONSchema.ref("Account", .record(["accountId": .string(pattern: FieldPattern.accountId.pattern), "name": .string()]))
}
