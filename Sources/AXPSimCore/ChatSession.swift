import Foundation

/// The state of a chat session.
public enum SessionState: String, Sendable, Codable, CaseIterable {
    case active
    case closed
}

/// A session: what initialising the Chat SDK with a JWT creates. One customer may hold many.
public struct ChatSession: Sendable, Equatable, Codable {
    public var sessionId: String
    public var accountId: String
    public var integrationId: String
    public var customerId: String
    public var displayName: String?
    public var sessionParameters: [String: String]
    public var clientType: String
    public var state: SessionState
    public var createdAt: Date
    public var closedAt: Date?
    public var closeReason: String?
    /// The newest JWT seen on this session (its reminders and expiry are scheduled).
    public var tokenJti: String
    public var tokenExpiresAt: Date
    /// The last stored event's sequence number (0 when none).
    public var lastEventSeq: Int64
    /// The SDK family that opened it (decides the shapes its events and answers take).
    public var family: ClientFamily
    /// The Omni SDK's `participantId` of the session's customer (nil for Chat SDK sessions).
    public var participantId: String?

    public init(
        sessionId: String, accountId: String, integrationId: String, customerId: String, displayName: String?,
        sessionParameters: [String: String], clientType: String, state: SessionState = .active, createdAt: Date, closedAt: Date? = nil,
        closeReason: String? = nil, tokenJti: String, tokenExpiresAt: Date, lastEventSeq: Int64 = 0, family: ClientFamily = .chat,
        participantId: String? = nil
    ) {
        self.sessionId = sessionId
        self.accountId = accountId
        self.integrationId = integrationId
        self.customerId = customerId
        self.displayName = displayName
        self.sessionParameters = sessionParameters
        self.clientType = clientType
        self.state = state
        self.createdAt = createdAt
        self.closedAt = closedAt
        self.closeReason = closeReason
        self.tokenJti = tokenJti
        self.tokenExpiresAt = tokenExpiresAt
        self.lastEventSeq = lastEventSeq
        self.family = family
        self.participantId = participantId
    }
}
