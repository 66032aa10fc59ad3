import Synchronization
import AXPSimAuth
import AXPSimCore
import AXPSimStore
import Foundation

/// Engagements from the customer's side (Chat SDK API).
extension ChatService {
    /// `POST …/engagements`: a PENDING chat; its CUSTOMER participant is added at once.
    func createEngagement(_ caller: SDKCaller, _ request: SDKRequests.CreateEngagement) throws -> (JSONValue, Engagement) {
        try adoptToken(caller, sessionId: request.sessionId)
        let now = try now(caller.accountId)
        let created = try commit { tx, emission -> (JSONValue, Engagement) in
            let session = try requireSession(tx, caller, request.sessionId)
            let engagement = Engagement(
                engagementId: Identifiers.newUUID(), accountId: caller.accountId, integrationId: caller.integration.integrationId,
                customerId: caller.customerId, dialogId: Identifiers.newUUID(), status: .pending,
                engagementParameters: request.engagementParameters, createdAt: now, updatedAt: now, createdBySession: session.sessionId,
                lastCustomerActivityAt: now)
            try tx.insertEngagement(engagement)
            try tx.follow(engagementId: engagement.engagementId, sessionId: session.sessionId, accountId: caller.accountId, at: now)
            let response = try engagementJSON(tx, engagement)
            try emit(
                tx, emission, sessionId: session.sessionId, accountId: caller.accountId, .engagementCreated, engagementId: engagement.engagementId,
                ["sessionId": .string(session.sessionId)], at: now)
            try addCustomer(tx, emission, engagement, session: session, caller: caller, at: now)
            try scheduleIdleTimer(tx, emission, engagement, integration: caller.integration, from: now)
            return (response, engagement)
        }
        hooks.withLock { $0.engagementCreated }?(created.1)
        return created
    }

    /// `GET …/engagements/{id}`.
    func engagement(_ caller: SDKCaller, _ engagementId: String) throws -> JSONValue {
        try store.chatRead { tx in try engagementJSON(tx, try requireEngagement(tx, caller, engagementId)) }
    }

    /// `POST …/engagements/{id}:join`: another session of the same customer follows the chat.
    func join(_ caller: SDKCaller, _ engagementId: String, _ action: SDKRequests.DialogAction) throws -> JSONValue {
        try adoptToken(caller, sessionId: action.sessionId)
        let now = try now(caller.accountId)
        return try commit { tx, emission in
            let session = try requireSession(tx, caller, action.sessionId)
            let engagement = try requireEngagement(tx, caller, engagementId)
            try checkDialog(engagement, action.dialogId)
            guard !engagement.isEnded else { throw AXPSimError.engagementEnded(engagementId) }
            try tx.follow(engagementId: engagementId, sessionId: session.sessionId, accountId: caller.accountId, at: now)
            let response = try engagementJSON(tx, engagement)
            if let existing = try customerParticipant(tx, engagementId, sessionId: session.sessionId) {
                // Joining again (a reloaded page): the SDK needs its CUSTOMER event again to activate.
                try emitParticipantEvent(tx, emission, engagement, .participantAdded, existing, at: now)
            } else {
                try addCustomer(tx, emission, engagement, session: session, caller: caller, at: now)
            }
            return response
        }
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
    func disconnect(_ caller: SDKCaller, _ engagementId: String, _ action: SDKRequests.DialogAction) throws -> JSONValue {
        try adoptToken(caller, sessionId: action.sessionId)
        let engagement = try store.chatRead { tx -> Engagement in
            _ = try requireSession(tx, caller, action.sessionId)
            let engagement = try requireEngagement(tx, caller, engagementId)
            try checkDialog(engagement, action.dialogId)
            return engagement
        }
        guard !engagement.isEnded else { throw AXPSimError.engagementEnded(engagementId) }
        return try end(engagementId, reason: action.reason ?? "USER_CLOSED")
    }

    /// `POST …/engagements/{id}/messages`: stored, then echoed to every following session.
    func sendMessage(_ caller: SDKCaller, _ engagementId: String, _ request: SDKRequests.SendMessage) throws -> JSONValue {
        try adoptToken(caller, sessionId: request.sessionId)
        let now = try now(caller.accountId)
        let response = try commit { tx, emission in
            let session = try requireSession(tx, caller, request.sessionId)
            let engagement = try requireEngagement(tx, caller, engagementId)
            try checkDialog(engagement, request.dialogId)
            guard !engagement.isEnded else { throw AXPSimError.engagementEnded(engagementId) }
            guard let customer = try customerParticipant(tx, engagementId, sessionId: session.sessionId) else {
                throw AXPSimError.conflict(code: "engagement_not_joined", detail: "This session has not joined the engagement; join it first")
            }
            if let parent = request.parentMessageId, try tx.message(parent, engagementId: engagementId) == nil {
                throw AXPSimError.constraintViolation([
                    Violation(field: "parentMessageId", message: "is not a message of this engagement", code: .invalidValue)
                ])
            }
            let message = try tx.appendMessage(
                ChatMessage(
                    messageId: Identifiers.newUUID(), engagementId: engagementId, dialogId: engagement.dialogId, messageIndex: 0,
                    parentMessageId: request.parentMessageId, participantId: customer.participantId, participantType: .customer,
                    displayName: customer.displayName, body: request.body, receivedAt: now, senderSessionId: session.sessionId),
                accountId: caller.accountId)
            try tx.touchCustomerActivity(engagementId, at: now)
            try emitMessage(tx, emission, engagement, message, at: now)
            try scheduleIdleTimer(tx, emission, engagement, integration: caller.integration, from: now)
            return WireFormat.message(message)
        }
        hooks.withLock { $0.customerMessage }?(engagementId)
        return response
    }

    /// Appends a MESSAGE event for `message` to every follower.
    func emitMessage(_ tx: ChatTransaction, _ emission: Emission, _ engagement: Engagement, _ message: ChatMessage, at date: Date) throws {
        try emitToFollowers(
            tx, emission, engagement, .message, ["message": WireFormat.eventMessage(message), "participant": WireFormat.sender(message)], at: date)
    }

    /// `GET …/engagements/{id}/messages`: one page of history.
    func messages(_ caller: SDKCaller, _ engagementId: String, _ page: SDKRequests.MessagePage, baseURL: String) throws -> JSONValue {
        try store.chatRead { tx in
            if let sessionId = page.sessionId { _ = try requireSession(tx, caller, sessionId, allowClosed: true) }
            let engagement = try requireEngagement(tx, caller, engagementId)
            try checkDialog(engagement, page.dialogId)
            return try messagePage(tx, engagement, page, baseURL: baseURL)
        }
    }

    /// The JSON shape of ``messagePage(_:_:_:baseURL:)``.
    static let messagePageSchema = JSONSchema.ref(
        "MessagePage",
        .record([
            "messages": .array(WireFormat.messageSchema),
            "pagination": .record(["pageNumber": .integer(), "pageSize": .integer(), "total": .integer(), "totalPages": .integer()]),
            "links": .record(["next": .string().described("The absolute URL of the next page, or \"\" on the last page")]),
        ]))

    /// A page of messages with `pagination` and `links.next`: the absolute URL of the next page,
    /// or exactly `""` on the last page (what the SDK's page iterator expects).
    func messagePage(_ tx: ChatTransaction, _ engagement: Engagement, _ page: SDKRequests.MessagePage, baseURL: String) throws -> JSONValue {
        let items = try tx.messages(engagement.engagementId, pageSize: page.pageSize, pageNumber: page.pageNumber, ascending: page.ascending)
        let total = try tx.messageCount(engagement.engagementId)
        let hasNext = page.pageNumber * page.pageSize < total
        var links: [String: JSONValue] = ["next": .string("")]
        var query = [
            "pageSize=\(page.pageSize)", "pageNumber=\(page.pageNumber + 1)", "orderBy=\(page.ascending ? "ASC" : "DSC")",
        ]
        if let sessionId = page.sessionId { query.append("sessionId=\(sessionId.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") }
        query.append("dialogId=\(engagement.dialogId)")
        if hasNext { links["next"] = .string("\(baseURL)?\(query.joined(separator: "&"))") }
        return .object([
            "messages": .array(items.map(WireFormat.message)),
            "pagination": .object([
                "pageNumber": .int(Int64(page.pageNumber)), "pageSize": .int(Int64(page.pageSize)), "total": .int(Int64(total)),
                "totalPages": .int(Int64((total + page.pageSize - 1) / page.pageSize)),
            ]),
            "links": .object(links),
        ])
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
    /// A write to an ended chat.
    static func engagementEnded(_ engagementId: String) -> AXPSimError {
        .conflict(code: "engagement_ended", detail: "The engagement \(engagementId) has ended")
    }
}
