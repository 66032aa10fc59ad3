import AXPSimCore
import AXPSimStore
import Foundation

/// A queue as the control plane shows it: its definition, the chats waiting in it (in order,
/// with how long they have waited and their estimate), the chats its agents hold, and each
/// agent's load.
package struct QueueView: Sendable, Encodable {
    package struct Waiting: Sendable, Encodable {
        package let engagementId: String
        package let position: Int
        package let waitedSeconds: Int
        package let estimatedWaitSeconds: Int?
        package let routingAttributes: [String: String]
    }

    package struct Held: Sendable, Encodable {
        package let engagementId: String
        package let agentId: String
        /// `assigned` (joining after the answer delay) or `connected`.
        package let state: String
        /// RFC 3339 (the control plane's time format).
        package let enqueuedAt: String
    }

    package struct AgentLoad: Sendable, Encodable {
        package let agentId: String
        package let displayName: String
        package let state: AgentState
        package let capacity: Int
        package let load: Int
        package let routingAttributes: [String: String]
    }

    package let queue: RoutingQueue
    package let waiting: [Waiting]
    package let engaged: [Held]
    package let agents: [AgentLoad]

    package static let schema = JSONSchema.ref(
        "QueueView",
        .object(
            [
                "queue": RoutingQueue.schema,
                "waiting": .array(
                    .object(
                        [
                            "engagementId": .string(), "position": .integer(), "waitedSeconds": .integer(), "estimatedWaitSeconds": .integer(),
                            "routingAttributes": .map(.string()),
                        ], required: ["engagementId", "position", "waitedSeconds", "routingAttributes"])),
                "engaged": .array(
                    .object(
                        ["engagementId": .string(), "agentId": .string(), "state": .string(oneOf: ["assigned", "connected"]), "enqueuedAt": .timestamp],
                        required: ["engagementId", "agentId", "state", "enqueuedAt"])),
                "agents": .array(
                    .object(
                        [
                            "agentId": .string(), "displayName": .string(), "state": .string(oneOf: AgentState.allCases.map(\.rawValue)),
                            "capacity": .integer(), "load": .integer(), "routingAttributes": .map(.string()),
                        ], required: ["agentId", "displayName", "state", "capacity", "load", "routingAttributes"])),
            ], required: ["queue", "waiting", "engaged", "agents"]))
}

/// Queues and their agents, from the control plane. Changes that can move a queue (its agents,
/// their states) let it move in the same transaction.
extension ChatService {
    /// The account's queues.
    package func queues(accountId: String) throws -> [RoutingQueue] {
        try store.chatRead { tx in try tx.queues(accountId: accountId) }
    }

    /// A queue of the account (404 when unknown).
    package func queue(accountId: String, queueId: String) throws -> RoutingQueue {
        try store.chatRead { tx in try requireQueue(tx, accountId: accountId, queueId: queueId) }
    }

    private func requireQueue(_ tx: ChatTransaction, accountId: String, queueId: String) throws -> RoutingQueue {
        guard let queue = try tx.queue(accountId: accountId, queueId: queueId) else { throw AXPSimError.notFound(resource: "queue", id: queueId) }
        return queue
    }

    /// Adds a queue (409 when its id is taken).
    package func createQueue(_ queue: RoutingQueue) throws -> RoutingQueue {
        try commit { tx, _ in try tx.insertQueue(queue) }
        return queue
    }

    /// Replaces a queue's definition; chats waiting in it are offered to its agents again.
    package func updateQueue(_ queue: RoutingQueue) throws -> RoutingQueue {
        let now = try now(queue.accountId)
        try commit { tx, emission in
            _ = try requireQueue(tx, accountId: queue.accountId, queueId: queue.queueId)
            try tx.updateQueue(queue)
            try dispatch(tx, emission, accountId: queue.accountId, queueId: queue.queueId, at: now)
        }
        return queue
    }

    /// Makes an agent available or away; an available agent takes waiting chats at once.
    package func setAgentState(accountId: String, queueId: String, agentId: String, _ state: AgentState) throws -> QueueAgent {
        let now = try now(accountId)
        return try commit { tx, emission in
            var queue = try requireQueue(tx, accountId: accountId, queueId: queueId)
            guard let index = queue.agents.firstIndex(where: { $0.agentId == agentId }) else {
                throw AXPSimError.notFound(resource: "agent", id: agentId)
            }
            queue.agents[index].state = state
            try tx.updateQueue(queue)
            try dispatch(tx, emission, accountId: accountId, queueId: queueId, at: now)
            return queue.agents[index]
        }
    }

    /// Deletes a queue: 409 while an integration routes to it or chats are in it.
    package func deleteQueue(accountId: String, queueId: String) throws {
        let users = try store.integrations(accountId: accountId).filter { integration in
            let routing = integration.routing
            return routing.defaultQueue == queueId || routing.rules.contains { $0.queue == queueId || $0.overflowQueue == queueId }
        }
        guard users.isEmpty else {
            throw AXPSimError.conflict(
                code: "queue_in_use", detail: "Queue \(queueId) is used by integration \(users.map(\.name).joined(separator: ", ")): change its routing first")
        }
        try commit { tx, _ in
            _ = try requireQueue(tx, accountId: accountId, queueId: queueId)
            guard try tx.openQueueEntries(accountId: accountId, queueId: queueId).isEmpty else {
                throw AXPSimError.conflict(code: "queue_not_empty", detail: "Chats are waiting in or served by queue \(queueId)")
            }
            _ = try tx.deleteQueue(accountId: accountId, queueId: queueId)
        }
    }

    /// The queue with its waiting chats and its agents' load, at the account clock's now.
    package func queueView(accountId: String, queueId: String) throws -> QueueView {
        let now = try now(accountId)
        return try store.chatRead { tx in
            let queue = try requireQueue(tx, accountId: accountId, queueId: queueId)
            let entries = try tx.openQueueEntries(accountId: accountId, queueId: queueId)
            let waiting = entries.filter { $0.state == .waiting }.enumerated().map { index, entry in
                QueueView.Waiting(
                    engagementId: entry.engagementId, position: index + 1, waitedSeconds: Int(now.timeIntervalSince(entry.enqueuedAt).rounded()),
                    estimatedWaitSeconds: queue.estimatedWait(position: index + 1, attributes: entry.routingAttributes),
                    routingAttributes: entry.routingAttributes)
            }
            let held = entries.filter(\.state.holdsAgent)
            return QueueView(
                queue: queue, waiting: waiting,
                engaged: held.map {
                    QueueView.Held(engagementId: $0.engagementId, agentId: $0.agentId ?? "", state: $0.state.rawValue, enqueuedAt: Timestamp.format($0.enqueuedAt))
                },
                agents: queue.agents.map { agent in
                    QueueView.AgentLoad(
                        agentId: agent.agentId, displayName: agent.displayName, state: agent.state, capacity: agent.capacity,
                        load: held.filter { $0.agentId == agent.agentId }.count, routingAttributes: agent.routingAttributes)
                })
        }
    }

    /// A chat's route (nil for chats created before routing existed).
    package func route(engagementId: String) throws -> RoutingDecision? {
        try store.chatRead { tx in try tx.route(engagementId: engagementId) }
    }
}
