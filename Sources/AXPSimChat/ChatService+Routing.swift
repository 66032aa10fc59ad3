import AXPSimAuth
import AXPSimCore
import AXPSimStore
import Foundation

/// The contact center behind an integration (SPEC section 10): a new chat is routed by the
/// integration's rules, waits its turn in a staffed queue on the account clock, is told its
/// position, is answered by the first available agent who can serve it, frees that agent when it
/// ends, and overflows after the queue's longest wait. Every step runs inside the transaction of
/// what caused it (a new chat, a chat's end, an agent's state, a timer), so it is stored with it.
extension ChatService {
    /// Routes a new chat inside `createEngagement`'s transaction: the route is recorded, ROUTED
    /// goes to the journal, and a chat for a staffed queue joins it.
    func route(_ tx: ChatTransaction, _ emission: Emission, _ engagement: Engagement, session: ChatSession, caller: SDKCaller, at now: Date) throws {
        let context = RoutingContext(
            engagementParameters: engagement.engagementParameters, sessionParameters: session.sessionParameters, customerId: caller.customerId,
            verified: caller.claims.verifiedCustomer, customerIdentifiers: caller.claims.customerIdentifiers ?? [:])
        let decision = caller.integration.route(context)
        try tx.insertRoute(engagementId: engagement.engagementId, accountId: engagement.accountId, decision, at: now)
        try emitToJournal(tx, emission, engagement, .routed, ["routing": decision.json], at: now)
        guard let queueId = decision.queue, let queue = try tx.queue(accountId: engagement.accountId, queueId: queueId), queue.isStaffed else { return }
        try enqueue(tx, emission, engagement.engagementId, queue: queue, attributes: decision.routingAttributes, at: now)
    }

    /// Puts a chat at the end of a staffed queue, plans its overflow, and lets the queue move.
    private func enqueue(
        _ tx: ChatTransaction, _ emission: Emission, _ engagementId: String, queue: RoutingQueue, attributes: [String: String], at now: Date
    ) throws {
        try tx.enqueue(
            QueueEntry(engagementId: engagementId, accountId: queue.accountId, queueId: queue.queueId, enqueuedAt: now, routingAttributes: attributes))
        if let maxWait = queue.maxWaitSeconds {
            _ = try tx.insertTimer(
                ScheduledTimer(
                    accountId: queue.accountId, dueAt: now.addingTimeInterval(TimeInterval(maxWait)), kind: .queueOverflow, target: engagementId,
                    detail: queue.queueId))
            emission.timersChanged = true
        }
        try dispatch(tx, emission, accountId: queue.accountId, queueId: queue.queueId, at: now)
    }

    /// Lets a queue move: each waiting chat, in arrival order, goes to the first agent (in the
    /// queue's order) who is available, has a free seat and serves the chat's routing attributes;
    /// that agent joins after the answer delay. Then every chat still waiting whose position or
    /// estimate changed is told (QUEUE_POSITION).
    func dispatch(_ tx: ChatTransaction, _ emission: Emission, accountId: String, queueId: String, at now: Date) throws {
        guard let queue = try tx.queue(accountId: accountId, queueId: queueId) else { return }
        var entries = try tx.openQueueEntries(accountId: accountId, queueId: queueId)
        var load: [String: Int] = [:]
        for entry in entries where entry.state.holdsAgent { load[entry.agentId ?? "", default: 0] += 1 }
        for index in entries.indices where entries[index].state == .waiting {
            let attributes = entries[index].routingAttributes
            guard
                let agent = queue.agents.first(where: {
                    $0.state == .available && load[$0.agentId, default: 0] < $0.capacity && $0.serves(attributes)
                })
            else { continue }
            load[agent.agentId, default: 0] += 1
            entries[index].state = .assigned
            entries[index].agentId = agent.agentId
            try tx.updateQueueEntry(entries[index])
            try tx.cancelTimers(target: entries[index].engagementId, kinds: [.queueOverflow])
            emission.timersChanged = true
            if queue.answerDelaySeconds == 0 {
                try answer(tx, emission, entries[index], queue: queue, at: now)
            } else {
                _ = try tx.insertTimer(
                    ScheduledTimer(
                        accountId: accountId, dueAt: now.addingTimeInterval(TimeInterval(queue.answerDelaySeconds)), kind: .queueAnswer,
                        target: entries[index].engagementId, detail: agent.agentId))
            }
        }
        for (index, var entry) in entries.filter({ $0.state == .waiting }).enumerated() {
            let position = index + 1
            let estimate = queue.estimatedWait(position: position, attributes: entry.routingAttributes)
            guard position != entry.lastPosition || estimate != entry.lastEstimate else { continue }
            entry.lastPosition = position
            entry.lastEstimate = estimate
            try tx.updateQueueEntry(entry)
            try queuePosition(tx, emission, entry.engagementId, position: position, estimatedWaitSeconds: estimate, at: now)
        }
    }

    /// The agent a queue gave the chat joins (PARTICIPANT_ADDED) and says the queue's greeting.
    /// An agent no longer in the queue puts the chat back to waiting.
    private func answer(_ tx: ChatTransaction, _ emission: Emission, _ entry: QueueEntry, queue: RoutingQueue, at now: Date) throws {
        var entry = entry
        guard let engagement = try tx.engagement(entry.engagementId), !engagement.isEnded else { return }
        guard let agent = queue.agents.first(where: { $0.agentId == entry.agentId }) else {
            entry.state = .waiting
            entry.agentId = nil
            try tx.updateQueueEntry(entry)
            try dispatch(tx, emission, accountId: queue.accountId, queueId: queue.queueId, at: now)
            return
        }
        let participant = try participantJoin(tx, emission, entry.engagementId, type: .agent, displayName: agent.displayName, at: now)
        entry.state = .connected
        entry.participantId = participant.participantId
        try tx.updateQueueEntry(entry)
        if let greeting = queue.greeting(by: agent) {
            _ = try participantMessage(
                tx, emission, entry.engagementId, body: .text(greeting), participantId: participant.participantId, types: [.agent], at: now)
        }
    }

    /// A chat's queue seat is given up (it ended, or its agent left): the entry is done, its queue
    /// timers go, and the queue moves on.
    func leaveQueue(_ tx: ChatTransaction, _ emission: Emission, _ engagementId: String, onlyParticipant participantId: String? = nil, at now: Date)
        throws
    {
        guard var entry = try tx.queueEntry(engagementId: engagementId), entry.state != .done else { return }
        if let participantId, entry.participantId != participantId { return }
        entry.state = .done
        try tx.updateQueueEntry(entry)
        try tx.cancelTimers(target: engagementId, kinds: [.queueAnswer, .queueOverflow])
        emission.timersChanged = true
        try dispatch(tx, emission, accountId: entry.accountId, queueId: entry.queueId, at: now)
    }

    /// The queue's answer timer: the agent it gave the chat joins now.
    func fireQueueAnswer(_ tx: ChatTransaction, _ emission: Emission, _ timer: ScheduledTimer, at now: Date) throws {
        guard let entry = try tx.queueEntry(engagementId: timer.target), entry.state == .assigned, entry.agentId == timer.detail,
            let queue = try tx.queue(accountId: entry.accountId, queueId: entry.queueId)
        else { return }
        try answer(tx, emission, entry, queue: queue, at: now)
    }

    /// The queue's longest wait passed: the chat moves to its rule's overflow queue (once), offered
    /// with the integration's default routing attributes (the rule's narrower ones are what could
    /// not be served), or gets ENGAGEMENT_ERROR and ends (`QUEUE_TIMEOUT`).
    func fireQueueOverflow(_ tx: ChatTransaction, _ emission: Emission, _ timer: ScheduledTimer, at now: Date) throws {
        guard let entry = try tx.queueEntry(engagementId: timer.target), entry.state == .waiting, entry.queueId == timer.detail,
            let engagement = try tx.engagement(entry.engagementId), !engagement.isEnded
        else { return }
        var decision =
            try tx.route(engagementId: entry.engagementId)
            ?? RoutingDecision(rule: nil, queue: entry.queueId, routingAttributes: entry.routingAttributes, scenario: nil)
        if let overflow = decision.overflowQueue, decision.overflowedFrom == nil, overflow != entry.queueId,
            let target = try tx.queue(accountId: entry.accountId, queueId: overflow)
        {
            try leaveQueue(tx, emission, entry.engagementId, at: now)
            let integration = try tx.integration(accountId: engagement.accountId, integrationId: engagement.integrationId)
            decision.overflowedFrom = entry.queueId
            decision.queue = overflow
            decision.routingAttributes = integration?.routingAttributes ?? [:]
            try tx.updateRoute(engagementId: entry.engagementId, decision)
            try emitToJournal(tx, emission, engagement, .routed, ["routing": decision.json], at: now)
            if target.isStaffed { try enqueue(tx, emission, entry.engagementId, queue: target, attributes: decision.routingAttributes, at: now) }
            return
        }
        let waited = Int(now.timeIntervalSince(entry.enqueuedAt).rounded())
        let error = JSONValue.object([
            "type": .string("queue_timeout"), "title": .string("No agent available"),
            "detail": .string("No agent of queue \(entry.queueId) answered within \(waited) seconds"),
        ])
        try emitToFollowers(tx, emission, engagement, .engagementError, ["error": error], at: now)
        _ = try end(tx, emission, entry.engagementId, reason: "QUEUE_TIMEOUT", at: now)
    }
}
