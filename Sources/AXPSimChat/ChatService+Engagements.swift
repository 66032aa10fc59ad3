import Synchronization
import AXPSimAuth
import AXPSimCore
import AXPSimStore
import Foundation

/// Engagements from the customer's side (Chat SDK API).
extension ChatService {
    /// `POST …/engagements`: a PENDING chat; its CUSTOMER participant is added at once.
    package func createEngagement(_ caller: SDKCaller, _ request: SDKRequests.CreateEngagement) throws -> EngagementView {
        let now = try now(caller.accountId)
        return try commit { tx, emission in try createEngagement(tx, emission, caller, request, at: now) }
    }

    /// ``createEngagement(_:_:)`` inside the caller's transaction (the token is adopted in it too);
    /// observers hear of the new chat after the commit.
    package func createEngagement(
        _ tx: ChatTransaction, _ emission: Emission, _ caller: SDKCaller, _ request: SDKRequests.CreateEngagement, at now: Date
    ) throws -> EngagementView {
        let session = try requireSession(try adoptToken(tx, emission, caller, sessionId: request.sessionId, at: now), caller)
        let conversation = try tx.conversation(
            accountId: caller.accountId, integrationId: caller.integration.integrationId, customerId: caller.customerId, at: now)
        if let limit = caller.integration.maxOpenEngagements ?? (session.family == .omni ? 1 : nil),
            try tx.openEngagements(conversationId: conversation.conversationId).count >= limit
        {
            throw AXPSimError.engagementLimitReached
        }
        let engagement = Engagement(
            engagementId: Identifiers.newUUID(), accountId: caller.accountId, integrationId: caller.integration.integrationId,
            customerId: caller.customerId, dialogId: Identifiers.newUUID(), status: .pending,
            engagementParameters: request.engagementParameters, createdAt: now, updatedAt: now, createdBySession: session.sessionId,
            lastCustomerActivityAt: now, conversationId: conversation.conversationId)
        try tx.insertEngagement(engagement)
        try tx.follow(engagementId: engagement.engagementId, sessionId: session.sessionId, accountId: caller.accountId, at: now)
        try emit(
            tx, emission, sessionId: session.sessionId, accountId: caller.accountId, .engagementCreated, engagement: engagement,
            ["sessionId": .string(session.sessionId)], at: now)
        try addCustomer(tx, emission, engagement, session: session, caller: caller, at: now)
        try route(tx, emission, engagement, session: session, caller: caller, at: now)
        try scheduleIdleTimer(tx, emission, engagement, integration: caller.integration, from: now)
        emission.activities.append(.engagementCreated(engagement))
        return try engagementView(tx, engagement)
    }

    /// `GET …/engagements/{id}`.
    package func engagement(_ caller: SDKCaller, _ engagementId: String) throws -> EngagementView {
        try store.chatRead { tx in try engagementView(tx, try requireEngagement(tx, caller, engagementId)) }
    }

    /// `POST …/engagements/{id}:join`: another session of the same customer follows the chat.
    package func join(_ caller: SDKCaller, _ engagementId: String, _ action: SDKRequests.DialogAction) throws -> EngagementView {
        let now = try now(caller.accountId)
        return try commit { tx, emission in try join(tx, emission, caller, engagementId, action, at: now) }
    }

    /// ``join(_:_:_:)`` inside the caller's transaction (the token is adopted in it too).
    package func join(
        _ tx: ChatTransaction, _ emission: Emission, _ caller: SDKCaller, _ engagementId: String, _ action: SDKRequests.DialogAction, at now: Date
    ) throws -> EngagementView {
        let (session, engagement) = try openChat(tx, emission, caller, sessionId: action.sessionId, engagementId, dialogId: action.dialogId, at: now)
        try tx.follow(engagementId: engagementId, sessionId: session.sessionId, accountId: caller.accountId, at: now)
        let response = try engagementView(tx, engagement)
        if let existing = try customerParticipant(tx, engagementId, sessionId: session.sessionId) {
            // Joining again (a reloaded page): the SDK needs its CUSTOMER event again to activate.
            try emitParticipantEvent(tx, emission, engagement, .participantAdded, existing, at: now)
        } else {
            try addCustomer(tx, emission, engagement, session: session, caller: caller, at: now)
        }
        return response
    }

    /// What every customer write to a chat checks first, in the caller's transaction: the newer
    /// JWT adopted, the caller's own session and chat, the chat's dialog, and that it has not ended.
    private func openChat(
        _ tx: ChatTransaction, _ emission: Emission, _ caller: SDKCaller, sessionId: String, _ engagementId: String, dialogId: String?,
        at now: Date
    ) throws -> (ChatSession, Engagement) {
        let session = try requireSession(try adoptToken(tx, emission, caller, sessionId: sessionId, at: now), caller)
        let engagement = try requireEngagement(tx, caller, engagementId)
        try checkDialog(engagement, dialogId)
        guard !engagement.isEnded else { throw AXPSimError.engagementEnded(engagementId) }
        return (session, engagement)
    }

    /// Adds the session's CUSTOMER participant; PARTICIPANT_ADDED goes to that session only.
    private func addCustomer(
        _ tx: ChatTransaction, _ emission: Emission, _ engagement: Engagement, session: ChatSession, caller: SDKCaller, at now: Date
    ) throws {
        let customer = Participant(
            participantId: Identifiers.newUUID(), engagementId: engagement.engagementId, participantType: .customer,
            displayName: session.displayName ?? caller.claims.customerName ?? "Customer", sessionId: session.sessionId, joinedAt: now)
        try tx.insertParticipant(customer, accountId: caller.accountId)
        try emitParticipantEvent(tx, emission, engagement, .participantAdded, customer, at: now)
    }

    /// `POST …/engagements/{id}:disconnect`: the customer leaves, which ends the chat.
    package func disconnect(_ caller: SDKCaller, _ engagementId: String, _ action: SDKRequests.DialogAction) throws -> EngagementView {
        let now = try now(caller.accountId)
        return try commit { tx, emission in try disconnect(tx, emission, caller, engagementId, action, at: now) }
    }

    /// ``disconnect(_:_:_:)`` inside the caller's transaction (the token is adopted in it too).
    package func disconnect(
        _ tx: ChatTransaction, _ emission: Emission, _ caller: SDKCaller, _ engagementId: String, _ action: SDKRequests.DialogAction, at now: Date
    ) throws -> EngagementView {
        _ = try openChat(tx, emission, caller, sessionId: action.sessionId, engagementId, dialogId: action.dialogId, at: now)
        return try end(tx, emission, engagementId, reason: action.reason ?? "USER_CLOSED", at: now)
    }

    /// `POST …/engagements/{id}/messages`: stored, then echoed to every following session.
    package func sendMessage(_ caller: SDKCaller, _ engagementId: String, _ request: SDKRequests.SendMessage) throws -> ChatMessage {
        let now = try now(caller.accountId)
        return try commit { tx, emission in try sendMessage(tx, emission, caller, engagementId, request, at: now) }
    }

    /// ``sendMessage(_:_:_:)`` inside the caller's transaction (the token is adopted in it too);
    /// observers hear of the message after the commit.
    package func sendMessage(
        _ tx: ChatTransaction, _ emission: Emission, _ caller: SDKCaller, _ engagementId: String, _ request: SDKRequests.SendMessage, at now: Date
    ) throws -> ChatMessage {
        let (session, engagement) = try openChat(tx, emission, caller, sessionId: request.sessionId, engagementId, dialogId: request.dialogId, at: now)
        guard let customer = try customerParticipant(tx, engagementId, sessionId: session.sessionId) else {
            throw AXPSimError.conflict(code: "engagement_not_joined", detail: "This session has not joined the engagement; join it first")
        }
        if let parent = request.parentMessageId, try tx.message(parent, engagementId: engagementId) == nil {
            throw AXPSimError.constraintViolation([
                Violation(field: "parentMessageId", message: "is not a message of this engagement", code: .invalidValue)
            ])
        }
        let attachments = try attachmentsToSend(
            tx, MessageBody(stored: request.body), accountId: caller.accountId, engagementId: engagementId, sessionId: session.sessionId)
        let message = try tx.appendMessage(
            ChatMessage(
                messageId: Identifiers.newUUID(), engagementId: engagementId, dialogId: engagement.dialogId, messageIndex: 0,
                parentMessageId: request.parentMessageId, participantId: customer.participantId, participantType: .customer,
                displayName: customer.displayName, body: request.body, receivedAt: now, senderSessionId: session.sessionId,
                attachments: attachments),
            accountId: caller.accountId)
        try markSent(tx, message)
        try tx.touchCustomerActivity(engagementId, at: now)
        try emitMessage(tx, emission, engagement, message, at: now)
        try scheduleIdleTimer(tx, emission, engagement, integration: caller.integration, from: now)
        emission.activities.append(.customerMessage(engagementId: engagementId))
        return message
    }

    /// Appends a MESSAGE event for `message` to every follower.
    func emitMessage(_ tx: ChatTransaction, _ emission: Emission, _ engagement: Engagement, _ message: ChatMessage, at date: Date) throws {
        try emitToFollowers(
            tx, emission, engagement, .message, ["message": EventFields.eventMessage(message), "participant": EventFields.sender(message)],
            omni: ["message": EventFields.eventMessage(message, family: .omni)], at: date)
    }

    /// `GET …/engagements/{id}/messages`: one page of history.
    package func messages(_ caller: SDKCaller, _ engagementId: String, _ page: SDKRequests.MessagePage) throws -> MessagePage {
        try store.chatRead { tx in
            if let sessionId = page.sessionId { _ = try requireSession(tx, caller, sessionId, allowClosed: true) }
            let engagement = try requireEngagement(tx, caller, engagementId)
            try checkDialog(engagement, page.dialogId)
            return try messagePage(tx, engagement, page)
        }
    }

    /// One page of an engagement's messages.
    package func messagePage(_ tx: ChatTransaction, _ engagement: Engagement, _ page: SDKRequests.MessagePage) throws -> MessagePage {
        MessagePage(
            messages: try tx.messages(engagement.engagementId, pageSize: page.pageSize, pageNumber: page.pageNumber, ascending: page.ascending),
            request: page, dialogId: engagement.dialogId, total: try tx.messageCount(engagement.engagementId))
    }

    /// Plans (or re-plans) the idle timeout of an engagement, when its integration has one.
    func scheduleIdleTimer(_ tx: ChatTransaction, _ emission: Emission, _ engagement: Engagement, integration: Integration, from date: Date) throws {
        guard let idle = integration.idleTimeoutSeconds, idle > 0 else { return }
        try tx.cancelTimers(target: engagement.engagementId, kinds: [.idleTimeout])
        try tx.insertTimer(
            ScheduledTimer(
                accountId: engagement.accountId, dueAt: date.addingTimeInterval(TimeInterval(idle)), kind: .idleTimeout,
                target: engagement.engagementId))
        emission.timersChanged = true
    }
}

extension AXPSimError {
    /// A new chat while the customer's conversation has the most open chats allowed: the platform's
    /// violation, on which the Omni SDK joins the open chat instead.
    package static let engagementLimitReached = AXPSimError.constraintViolation([
        Violation(field: "engagementId", message: "Maximum number of engagements allowed for an user has exceeded", code: .invalidValue)
    ])

    /// A write to an ended chat.
    package static func engagementEnded(_ engagementId: String) -> AXPSimError {
        .conflict(code: "engagement_ended", detail: "The engagement \(engagementId) has ended")
    }
}
