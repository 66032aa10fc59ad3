import Foundation

/// A customer's durable conversation on one integration: the Omni SDK's unit of history. Every
/// engagement of that customer and integration belongs to it, whichever SDK family opened it.
public struct Conversation: Sendable, Equatable, Codable {
    public var conversationId: String
    public var accountId: String
    public var integrationId: String
    public var customerId: String
    public var createdAt: Date
    /// The conversation-wide index of its newest message (0 when none).
    public var lastMessageIndex: Int64

    public init(conversationId: String, accountId: String, integrationId: String, customerId: String, createdAt: Date, lastMessageIndex: Int64 = 0) {
        self.conversationId = conversationId
        self.accountId = accountId
        self.integrationId = integrationId
        self.customerId = customerId
        self.createdAt = createdAt
        self.lastMessageIndex = lastMessageIndex
    }
}
