import Synchronization
import AXPSimCore
import AXPSimStore
import Foundation

/// The contact-center side, driven by the control plane and by scenarios.
extension ChatService {
    /// An engagement by id for the control plane (any account).
    package func requireEngagement(_ tx: ChatTransaction, _ engagementId: String) throws -> Engagement {
        guard let engagement = try tx.engagement(engagementId) else { throw AXPSimError.notFound(resource: "engagement", id: engagementId) }
        return engagement
    }

    private func requireOpen(_ tx: ChatTransaction, _ engagementId: String) throws -> Engagement {
        let engagement = try requireEngagement(tx, engagementId)
        guard !engagement.isEnded else { throw AXPSimError.engagementEnded(engagementId) }
        return engagement
    }

    /// The account of an engagement (404 when unknown).
    private func accountOf(_ engagementId: String) throws -> String {
        try store.chatRead { tx in try requireEngagement(tx, engagementId).accountId }
    }

    /// The present participant `participantId`, or the most recently joined present one of `types`.
    private func actor(_ tx: ChatTransaction, _ engagementId: String, _ participantId: String?, types: [ParticipantType]) throws -> Participant {
        let present = try tx.participants(engagementId).filter { $0.isPresent && types.contains($0.participantType) }
        if let participantId {
            guard let found = present.first(where: { $0.participantId == participantId }) else {
                throw AXPSimError.notFound(resource: "participant", id: participantId)
            }
            return found
        }
        guard let last = present.last else {
            throw AXPSimError.conflict(code: "no_agent", detail: "No \(types.map(\.rawValue).joined(separator: "/")) is in this engagement; join one first")
        }
        return last
    }

    /// An agent (or bot, supervisor) joins: PARTICIPANT_ADDED; a PENDING chat becomes ACTIVE.
    package func participantJoin(_ engagementId: String, type: ParticipantType, displayName: String?) throws -> Participant {
        let now = try now(try accountOf(engagementId))
        return try commit { tx, emission in try participantJoin(tx, emission, engagementId, type: type, displayName: displayName, at: now) }
    }

    /// ``participantJoin(_:type:displayName:)`` inside the caller's transaction.
    package func participantJoin(
        _ tx: ChatTransaction, _ emission: Emission, _ engagementId: String, type: ParticipantType, displayName: String?, at now: Date
    ) throws -> Participant {
        var engagement = try requireOpen(tx, engagementId)
        let participant = Participant(
            participantId: Identifiers.newUUID(), engagementId: engagementId, participantType: type,
            displayName: displayName ?? (type == .bot ? "Bot" : "Agent"), joinedAt: now)
        try tx.insertParticipant(participant, accountId: engagement.accountId)
        if engagement.status == .pending, type != .bot {
            try tx.setEngagementStatus(engagementId, .active, at: now)
            engagement.status = .active
        }
        try emitParticipantEvent(tx, emission, engagement, .participantAdded, participant, at: now)
        return participant
    }

    /// An agent (or bot) message of plain text: stored, MESSAGE to every follower.
    package func participantMessage(_ engagementId: String, text: String, participantId: String?, types: [ParticipantType]) throws -> ChatMessage {
        try participantMessage(engagementId, body: .text(text), participantId: participantId, types: types)
    }

    /// An agent (or bot) message of any kind: stored, MESSAGE to every follower (each SDK family
    /// reads the body its own way).
    package func participantMessage(_ engagementId: String, body: MessageBody, participantId: String?, types: [ParticipantType]) throws
        -> ChatMessage
    {
        try checkText(body)
        let now = try now(try accountOf(engagementId))
        return try commit { tx, emission in
            try participantMessage(tx, emission, engagementId, body: body, participantId: participantId, types: types, at: now)
        }
    }

    /// ``participantMessage(_:text:participantId:types:)`` inside the caller's transaction.
    package func participantMessage(
        _ tx: ChatTransaction, _ emission: Emission, _ engagementId: String, text: String, participantId: String?, types: [ParticipantType],
        at now: Date
    ) throws -> ChatMessage {
        try participantMessage(tx, emission, engagementId, body: .text(text), participantId: participantId, types: types, at: now)
    }

    /// ``participantMessage(_:body:participantId:types:)`` inside the caller's transaction.
    package func participantMessage(
        _ tx: ChatTransaction, _ emission: Emission, _ engagementId: String, body: MessageBody, participantId: String?,
        types: [ParticipantType], at now: Date
    ) throws -> ChatMessage {
        try checkText(body)
        let engagement = try requireOpen(tx, engagementId)
        let sender = try actor(tx, engagementId, participantId, types: types)
        let attachments = try attachmentsToSend(tx, body, accountId: engagement.accountId, engagementId: engagementId, sessionId: nil)
        let message = try tx.appendMessage(
            ChatMessage(
                messageId: Identifiers.newUUID(), engagementId: engagementId, dialogId: engagement.dialogId, messageIndex: 0,
                parentMessageId: nil, participantId: sender.participantId, participantType: sender.participantType,
                displayName: sender.displayName, body: body.stored, receivedAt: now, senderSessionId: nil, attachments: attachments),
            accountId: engagement.accountId)
        try markSent(tx, message)
        try emitMessage(tx, emission, engagement, message, at: now)
        emission.activities.append(.agentMessage(engagementId: engagementId))
        return message
    }

    /// A text body of 1…``maxTextLength`` characters (other kinds may have an empty text), else a
    /// 400 violation on `text`.
    private func checkText(_ body: MessageBody) throws {
        let text = body.text
        guard body.elementType != .text || (1...maxTextLength).contains(text.count), text.count <= maxTextLength else {
            throw AXPSimError.constraintViolation([
                Violation(field: "text", message: "size must be between 1 and \(maxTextLength)", code: .sizeOutOfRange)
            ])
        }
    }

    /// An agent is typing: TYPING to every follower (socket and journal only).
    package func participantTyping(_ engagementId: String, participantId: String?) throws -> Participant {
        let now = try now(try accountOf(engagementId))
        return try commit { tx, emission in try participantTyping(tx, emission, engagementId, participantId: participantId, at: now) }
    }

    /// ``participantTyping(_:participantId:)`` inside the caller's transaction.
    package func participantTyping(_ tx: ChatTransaction, _ emission: Emission, _ engagementId: String, participantId: String?, at now: Date) throws
        -> Participant
    {
        let engagement = try requireOpen(tx, engagementId)
        let agent = try actor(tx, engagementId, participantId, types: [.agent, .bot, .supervisor])
        try emitToFollowers(tx, emission, engagement, .typing, ["participant": EventFields.participant(agent)], at: now)
        return agent
    }

    /// An agent leaves: PARTICIPANT_DISCONNECTED; the chat stays open (for a transfer).
    package func participantLeave(_ engagementId: String, participantId: String?) throws -> Participant {
        let now = try now(try accountOf(engagementId))
        return try commit { tx, emission in try participantLeave(tx, emission, engagementId, participantId: participantId, at: now) }
    }

    /// ``participantLeave(_:participantId:)`` inside the caller's transaction.
    package func participantLeave(_ tx: ChatTransaction, _ emission: Emission, _ engagementId: String, participantId: String?, at now: Date) throws
        -> Participant
    {
        let engagement = try requireOpen(tx, engagementId)
        var agent = try actor(tx, engagementId, participantId, types: [.agent, .bot, .supervisor])
        _ = try tx.markParticipantLeft(agent.participantId, at: now)
        agent.leftAt = now
        try emitParticipantEvent(tx, emission, engagement, .participantDisconnected, agent, at: now)
        try leaveQueue(tx, emission, engagementId, onlyParticipant: agent.participantId, at: now)
        return agent
    }

    /// Ends a chat: every present participant is disconnected (the customer last, which the SDK
    /// reads as ENGAGEMENT_TERMINATED), the dialog is TERMINATED, ENGAGEMENT_TERMINATED follows.
    @discardableResult
    package func end(_ engagementId: String, reason: String) throws -> EngagementView {
        let now = try now(try accountOf(engagementId))
        return try commit { tx, emission in try end(tx, emission, engagementId, reason: reason, at: now) }
    }

    /// ``end(_:reason:)`` inside the caller's transaction (observers hear of it after the commit).
    @discardableResult
    package func end(_ tx: ChatTransaction, _ emission: Emission, _ engagementId: String, reason: String, at now: Date) throws -> EngagementView {
        var engagement = try requireOpen(tx, engagementId)
        let present = try tx.participants(engagementId).filter(\.isPresent)
        let ordered = present.filter { $0.participantType != .customer } + present.filter { $0.participantType == .customer }
        for var participant in ordered {
            _ = try tx.markParticipantLeft(participant.participantId, at: now)
            participant.leftAt = now
            try emitParticipantEvent(tx, emission, engagement, .participantDisconnected, participant, extra: ["reason": .string(reason)], at: now)
        }
        try tx.setEngagementStatus(engagementId, .terminated, reason: reason, at: now)
        engagement.status = .terminated
        engagement.endReason = reason
        engagement.endedAt = now
        try emitToFollowers(tx, emission, engagement, .engagementTerminated, ["reason": .string(reason)], at: now)
        try tx.cancelTimers(target: engagementId, kinds: [.idleTimeout])
        emission.timersChanged = true
        try leaveQueue(tx, emission, engagementId, at: now)
        emission.activities.append(.engagementEnded(engagementId: engagementId))
        return try engagementView(tx, engagement)
    }

    /// QUEUE_POSITION to every follower of a PENDING chat.
    package func queuePosition(_ engagementId: String, position: Int, estimatedWaitSeconds: Int?) throws {
        let now = try now(try accountOf(engagementId))
        try commit { tx, emission in
            try queuePosition(tx, emission, engagementId, position: position, estimatedWaitSeconds: estimatedWaitSeconds, at: now)
        }
    }

    /// ``queuePosition(_:position:estimatedWaitSeconds:)`` inside the caller's transaction.
    package func queuePosition(
        _ tx: ChatTransaction, _ emission: Emission, _ engagementId: String, position: Int, estimatedWaitSeconds: Int?, at now: Date
    ) throws {
        let engagement = try requireOpen(tx, engagementId)
        var fields: [String: JSONValue] = ["position": .int(Int64(position))]
        if let estimatedWaitSeconds { fields["estimatedWaitSeconds"] = .int(Int64(estimatedWaitSeconds)) }
        try emitToFollowers(tx, emission, engagement, .queuePosition, fields, at: now)
    }

    /// ENGAGEMENT_ERROR to every follower (an SDK event).
    package func engagementError(_ engagementId: String, type: String, title: String, detail: String) throws {
        let now = try now(try accountOf(engagementId))
        try commit { tx, emission in
            let engagement = try requireEngagement(tx, engagementId)
            let error = JSONValue.object(["type": .string(type), "title": .string(title), "detail": .string(detail)])
            try emitToFollowers(tx, emission, engagement, .engagementError, ["error": error], at: now)
        }
    }
}
