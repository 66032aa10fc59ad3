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
