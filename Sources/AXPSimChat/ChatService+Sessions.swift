import AXPSimAuth
import AXPSimCore
import AXPSimStore
import Foundation

/// Sessions and the token timers that follow them.
extension ChatService {
    /// `POST …/sessions`: a new session for the JWT's customer, on the path of SDK `family`. The
    /// customer's conversation on the integration exists from then on.
    package func createSession(_ caller: SDKCaller, _ request: SDKRequests.CreateSession, family: ClientFamily = .chat) throws -> SessionView {
        let now = try now(caller.accountId)
        return try commit { tx, emission in try createSession(tx, emission, caller, request, family: family, at: now) }
    }

    /// ``createSession(_:_:)`` inside the caller's transaction.
    package func createSession(
        _ tx: ChatTransaction, _ emission: Emission, _ caller: SDKCaller, _ request: SDKRequests.CreateSession, family: ClientFamily = .chat,
        at now: Date
    ) throws -> SessionView {
        let session = ChatSession(
            sessionId: Identifiers.newUUID(), accountId: caller.accountId, integrationId: caller.integration.integrationId,
            customerId: caller.customerId, displayName: request.displayName ?? caller.claims.customerName,
            sessionParameters: request.sessionParameters, clientType: request.clientType, createdAt: now, tokenJti: caller.jti,
            tokenExpiresAt: caller.claims.expiresAt, family: family, participantId: family == .omni ? Identifiers.newUUID() : nil)
        try tx.insertSession(session)
        _ = try tx.conversation(accountId: caller.accountId, integrationId: session.integrationId, customerId: session.customerId, at: now)
        try scheduleTokenTimers(tx, emission, session: session, integration: caller.integration, now: now)
        return try sessionView(tx, session)
    }

    /// `GET …/sessions/{id}`: the session with the customer's current engagements.
    /// A view kept from an earlier call answers while no commit has changed what it shows
    /// (``sessionViews``); else one read transaction answers almost every call (the caller's
    /// token is the session's own); a newer token is adopted first (a write), then the session is
    /// read again.
    package func session(_ caller: SDKCaller, _ sessionId: String) throws -> SessionView {
        let (kept, generation) = sessionViews.lookup(sessionId)
        if let kept, !Self.adopts(kept.session, caller) {
            _ = try requireSession(kept.session, caller)
            return kept
        }
        let view = try store.chatRead { tx -> SessionView? in
            let seen = try tx.session(sessionId)
            if let seen, Self.adopts(seen, caller) { return nil }
            return try sessionView(tx, try requireSession(seen, caller))
        }
        if let view {
            sessionViews.fill(sessionId, view, generation: generation)
            return view
        }
        try adoptToken(caller, sessionId: sessionId)
        return try store.chatRead { tx in try sessionView(tx, try requireSession(tx, caller, sessionId)) }
    }

    /// The session with its customer's conversation and open engagements on the same integration.
    func sessionView(_ tx: ChatTransaction, _ session: ChatSession) throws -> SessionView {
        let engagements = try tx.engagements(accountId: session.accountId, customerId: session.customerId, includeEnded: false)
            .filter { $0.integrationId == session.integrationId }
            .map { try engagementView(tx, $0) }
        let conversation = try tx.existingConversation(accountId: session.accountId, integrationId: session.integrationId, customerId: session.customerId)
        return SessionView(session: session, engagements: engagements, conversations: conversation.map { [$0] } ?? [])
    }

    /// `DELETE …/sessions/{id}` by the SDK.
    package func shutdown(_ caller: SDKCaller, _ sessionId: String, reason: String) throws {
        _ = try store.chatRead { tx in try requireSession(tx, caller, sessionId) }
        try closeSession(sessionId, reason: String(reason.prefix(64)), byItsClient: true)
    }

    /// Closes a session (SDK shutdown or control plane): `SESSION_CLOSED` is its last event; the
    /// customer's chats stay for their other sessions. Returns false when already closed. The
    /// state is checked and changed in one transaction, so two concurrent closes (SDK and control
    /// plane, or a scenario) store one `SESSION_CLOSED`. `byItsClient`: the SDK's own shutdown (its
    /// held polls then run out, not end with "Session not found").
    @discardableResult
    package func closeSession(_ sessionId: String, reason: String, byItsClient: Bool = false) throws -> Bool {
        guard let session = try store.chatRead({ try $0.session(sessionId) }) else {
            throw AXPSimError.sessionNotFound
        }
        let now = try now(session.accountId)
        return try commit { tx, emission in
            if byItsClient { emission.shutDownByClient.insert(sessionId) }
            return try closeSession(tx, emission, sessionId, reason: reason, at: now)
        }
    }

    /// ``closeSession(_:reason:)`` inside the caller's transaction; the session's held polls and
    /// sockets end after the commit (also after a lost race: the session is closed either way).
    @discardableResult
    package func closeSession(_ tx: ChatTransaction, _ emission: Emission, _ sessionId: String, reason: String, at now: Date) throws -> Bool {
        guard let session = try tx.session(sessionId) else { throw AXPSimError.sessionNotFound }
        emission.closedSessions.append(sessionId)
        guard try tx.closeSession(sessionId, reason: reason, at: now) else { return false }
        try emit(
            tx, emission, sessionId: sessionId, accountId: session.accountId, .sessionClosed, engagement: nil,
            ["sessionId": .string(sessionId), "reason": .string(reason)], at: now)
        // Its CUSTOMER participants leave quietly: the chats go on for the other devices.
        for engagementId in try tx.followedEngagements(sessionId: sessionId) {
            if let customer = try customerParticipant(tx, engagementId, sessionId: sessionId) {
                _ = try tx.markParticipantLeft(customer.participantId, at: now)
            }
        }
        try tx.cancelTimers(target: sessionId, kinds: [.tokenReminder, .tokenExpired])
        emission.timersChanged = true
        return true
    }

    /// When a call carries a newer JWT of the session's customer (the SDK's `setJwtToken`), the
    /// session follows it: its reminder and expiry are re-planned for the new token. Only a caller
    /// the session belongs to (account, integration, customer) can move it, and the check and the
    /// change are one transaction. Reads (the session, its events) adopt through this method; the
    /// chat writes adopt inside their own transaction (``adoptToken(_:_:_:sessionId:at:)``), so a
    /// write that fails adopts nothing and the next successful call or poll does.
    package func adoptToken(_ caller: SDKCaller, sessionId: String) throws {
        // A cheap read first: almost every call carries the session's current token.
        guard let seen = try store.chatRead({ try $0.session(sessionId) }), Self.adopts(seen, caller) else { return }
        let now = try now(caller.accountId)
        try commit { tx, emission in try adoptToken(tx, emission, caller, sessionId: sessionId, at: now) }
    }

    /// ``adoptToken(_:sessionId:)`` inside the caller's transaction; the session as it is now
    /// (nil when there is none), so the caller need not read it again.
    @discardableResult
    package func adoptToken(_ tx: ChatTransaction, _ emission: Emission, _ caller: SDKCaller, sessionId: String, at now: Date) throws -> ChatSession? {
        guard var session = try tx.session(sessionId) else { return nil }
        guard Self.adopts(session, caller) else { return session }
        try tx.updateSessionToken(sessionId, jti: caller.jti, expiresAt: caller.claims.expiresAt)
        try tx.cancelTimers(target: sessionId, kinds: [.tokenReminder, .tokenExpired])
        session.tokenJti = caller.jti
        session.tokenExpiresAt = caller.claims.expiresAt
        try scheduleTokenTimers(tx, emission, session: session, integration: caller.integration, now: now)
        return session
    }

    /// Whether `caller` brings a newer token of the session's own customer.
    private static func adopts(_ session: ChatSession, _ caller: SDKCaller) -> Bool {
        session.state == .active && session.accountId == caller.accountId
            && session.integrationId == caller.integration.integrationId && session.customerId == caller.customerId
            && session.tokenJti != caller.jti && caller.claims.expiresAt > session.tokenExpiresAt
    }

    /// Plans `TOKEN_EXPIRY_REMINDER` (lead seconds before expiry, once per token) and `TOKEN_EXPIRED`.
    func scheduleTokenTimers(_ tx: ChatTransaction, _ emission: Emission, session: ChatSession, integration: Integration, now: Date) throws {
        let lead = TimeInterval(reminderLeadOverride ?? integration.reminderLeadSeconds)
        let reminderAt = session.tokenExpiresAt.addingTimeInterval(-lead)
        if lead > 0, reminderAt > now {
            try tx.insertTimer(
                ScheduledTimer(accountId: session.accountId, dueAt: reminderAt, kind: .tokenReminder, target: session.sessionId, detail: session.tokenJti))
        }
        try tx.insertTimer(
            ScheduledTimer(
                accountId: session.accountId, dueAt: max(session.tokenExpiresAt, now), kind: .tokenExpired, target: session.sessionId,
                detail: session.tokenJti))
        emission.timersChanged = true
    }
}
