import Foundation

/// The status of an engagement's dialog, as the platform names them.
public enum DialogStatus: String, Sendable, Codable, CaseIterable {
    /// Queued: no agent has joined yet.
    case pending = "PENDING"
    case active = "ACTIVE"
    case terminating = "TERMINATING"
    case terminated = "TERMINATED"
}

/// Who a participant is.
public enum ParticipantType: String, Sendable, Codable, CaseIterable {
    case customer = "CUSTOMER"
    case agent = "AGENT"
    case bot = "BOT"
    case supervisor = "SUPERVISOR"
    case system = "SYSTEM"
}

/// A chat with the contact center (an *engagement* on the wire) with its one dialog.
public struct Engagement: Sendable, Equatable, Codable {
    public var engagementId: String
    public var accountId: String
    public var integrationId: String
    public var customerId: String
    public var dialogId: String
    public var status: DialogStatus
    public var engagementParameters: [String: String]
    public var createdAt: Date
    public var updatedAt: Date
    public var endedAt: Date?
    public var endReason: String?
    /// The session that started it.
    public var createdBySession: String
    /// The last message's order number (0 when none).
    public var lastMessageIndex: Int64
    /// When the customer last wrote (or the chat started), for the idle timeout.
    public var lastCustomerActivityAt: Date

    /// The customer's conversation on the integration (nil for chats stored before conversations).
    public var conversationId: String?

    public init(
        engagementId: String, accountId: String, integrationId: String, customerId: String, dialogId: String, status: DialogStatus,
        engagementParameters: [String: String], createdAt: Date, updatedAt: Date, endedAt: Date? = nil, endReason: String? = nil,
        createdBySession: String, lastMessageIndex: Int64 = 0, lastCustomerActivityAt: Date, conversationId: String? = nil
    ) {
        self.conversationId = conversationId
        self.engagementId = engagementId
        self.accountId = accountId
        self.integrationId = integrationId
        self.customerId = customerId
        self.dialogId = dialogId
        self.status = status
        self.engagementParameters = engagementParameters
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.endedAt = endedAt
        self.endReason = endReason
        self.createdBySession = createdBySession
        self.lastMessageIndex = lastMessageIndex
        self.lastCustomerActivityAt = lastCustomerActivityAt
    }

    /// True once the chat has ended.
    public var isEnded: Bool { status == .terminated || status == .terminating }
}

/// A participant of an engagement's dialog.
public struct Participant: Sendable, Equatable, Codable {
    public var participantId: String
    public var engagementId: String
    public var participantType: ParticipantType
    public var displayName: String
    /// For a CUSTOMER participant: the session it stands for (each device joins as its own
    /// participant, because the SDK takes every CUSTOMER participant event as its own).
    public var sessionId: String?
    public var joinedAt: Date
    public var leftAt: Date?

    public init(
        participantId: String, engagementId: String, participantType: ParticipantType, displayName: String, sessionId: String? = nil,
        joinedAt: Date, leftAt: Date? = nil
    ) {
        self.participantId = participantId
        self.engagementId = engagementId
        self.participantType = participantType
        self.displayName = displayName
        self.sessionId = sessionId
        self.joinedAt = joinedAt
        self.leftAt = leftAt
    }

    /// True while the participant is in the dialog.
    public var isPresent: Bool { leftAt == nil }
}
