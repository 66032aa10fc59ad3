import Foundation

/// A routed chat's place in a staffed queue: waiting its turn, taken by an agent who joins after
/// the queue's answer delay, connected, or done (ended, overflowed elsewhere, or its agent left).
public struct QueueEntry: Sendable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case waiting, assigned, connected, done

        /// Whether the entry holds one of its agent's seats.
        public var holdsAgent: Bool { self == .assigned || self == .connected }
    }

    public var engagementId: String
    public var accountId: String
    public var queueId: String
    /// Order in the queue (arrival).
    public var seq: Int64
    public var enqueuedAt: Date
    public var state: State
    /// The chat's routing attributes: an agent takes it only when its own include them.
    public var routingAttributes: [String: String]
    public var agentId: String?
    /// The agent's participant once joined.
    public var participantId: String?
    /// The position and estimate last told to the customer (QUEUE_POSITION is sent on change).
    public var lastPosition: Int?
    public var lastEstimate: Int?

    public init(
        engagementId: String, accountId: String, queueId: String, seq: Int64 = 0, enqueuedAt: Date, state: State = .waiting,
        routingAttributes: [String: String], agentId: String? = nil, participantId: String? = nil, lastPosition: Int? = nil, lastEstimate: Int? = nil
    ) {
        self.engagementId = engagementId
        self.accountId = accountId
        self.queueId = queueId
        self.seq = seq
        self.enqueuedAt = enqueuedAt
        self.state = state
        self.routingAttributes = routingAttributes
        self.agentId = agentId
        self.participantId = participantId
        self.lastPosition = lastPosition
        self.lastEstimate = lastEstimate
    }
}
