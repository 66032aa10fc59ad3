import Foundation

/// Whether a queue's agent takes chats.
public enum AgentState: String, Sendable, Codable, CaseIterable {
    case available
    case away
}

/// A simulated agent of a queue: takes up to `capacity` chats at once whose routing attributes
/// its own include, while `available`.
public struct QueueAgent: Sendable, Equatable, Codable {
    public var agentId: String
    public var displayName: String
    /// Most chats at once.
    public var capacity: Int
    /// What the agent can serve: a chat is offered only when every one of its attributes is here.
    public var routingAttributes: [String: String]
    public var state: AgentState

    public init(agentId: String, displayName: String, capacity: Int = 1, routingAttributes: [String: String] = [:], state: AgentState = .available) {
        self.agentId = agentId
        self.displayName = displayName
        self.capacity = capacity
        self.routingAttributes = routingAttributes
        self.state = state
    }

    /// Whether the agent can serve a chat with `attributes` (each of them, with the same value).
    public func serves(_ attributes: [String: String]) -> Bool {
        attributes.allSatisfy { routingAttributes[$0.key] == $0.value }
    }
}

/// A routing queue of an account (SPEC section 10): where routed chats wait for an agent.
/// A queue without agents leaves its chats PENDING for the control plane or a scenario.
public struct RoutingQueue: Sendable, Equatable, Codable {
    public var accountId: String
    public var queueId: String
    public var name: String
    public var agents: [QueueAgent]
    /// Seconds between an agent taking a chat and joining it.
    public var answerDelaySeconds: Int
    /// The first message of the agent who joins; `{agent}` stands for the agent's name.
    public var greeting: String?
    /// Longest wait before the chat overflows (to its rule's `overflowQueue`) or fails.
    public var maxWaitSeconds: Int?
    /// Seconds one chat keeps an agent on average: the estimated wait is
    /// `position × averageHandleSeconds / free capacity`.
    public var averageHandleSeconds: Int

    public init(
        accountId: String, queueId: String, name: String? = nil, agents: [QueueAgent] = [], answerDelaySeconds: Int = 0, greeting: String? = nil,
        maxWaitSeconds: Int? = nil, averageHandleSeconds: Int = RoutingQueue.defaultAverageHandleSeconds
    ) {
        self.accountId = accountId
        self.queueId = queueId
        self.name = name ?? queueId
        self.agents = agents
        self.answerDelaySeconds = answerDelaySeconds
        self.greeting = greeting
        self.maxWaitSeconds = maxWaitSeconds
        self.averageHandleSeconds = averageHandleSeconds
    }

    /// `averageHandleSeconds` when none is given.
    public static let defaultAverageHandleSeconds = 300

    /// Whether the simulation serves this queue (it has agents).
    public var isStaffed: Bool { !agents.isEmpty }

    /// The greeting as `agent` says it.
    public func greeting(by agent: QueueAgent) -> String? {
        greeting.map { $0.replacingOccurrences(of: "{agent}", with: agent.displayName) }
    }

    /// The estimated wait of a chat with `attributes` at `position`: ``estimatedWait(position:capacity:)``
    /// with the seats of the available agents who could serve it.
    public func estimatedWait(position: Int, attributes: [String: String]) -> Int? {
        estimatedWait(position: position, capacity: agents.filter { $0.state == .available && $0.serves(attributes) }.reduce(0) { $0 + $1.capacity })
    }

    /// The estimated wait of the chat at `position` (1 = next) when the available agents who can
    /// serve it have `capacity` seats in all (all busy, or it would not wait): seats free up at
    /// `capacity / averageHandleSeconds` a second, then the answer delay. Nil when `capacity` is 0:
    /// no agent who could take the chat is available, so no estimate can be given.
    public func estimatedWait(position: Int, capacity: Int) -> Int? {
        guard capacity > 0 else { return nil }
        return answerDelaySeconds + (position * averageHandleSeconds + capacity - 1) / capacity
    }
}

extension RoutingQueue {
    /// The JSON shape of an encoded agent.
    public static let agentSchema = JSONSchema.ref(
        "QueueAgent",
        .object(
            [
                "agentId": .string(), "displayName": .string(), "capacity": .integer(), "routingAttributes": .map(.string()),
                "state": .string(oneOf: AgentState.allCases.map(\.rawValue)),
            ], required: ["agentId", "displayName", "capacity", "routingAttributes", "state"]))

    /// The JSON shape of an encoded queue.
    public static let schema = JSONSchema.ref(
        "Queue",
        .object(
            [
                "accountId": .string(), "queueId": .string(), "name": .string(), "agents": .array(agentSchema), "answerDelaySeconds": .integer(),
                "greeting": .string(), "maxWaitSeconds": .integer(), "averageHandleSeconds": .integer(),
            ], required: ["accountId", "queueId", "name", "agents", "answerDelaySeconds", "averageHandleSeconds"]))
}
