import AXPSimAuth
import AXPSimCore
import AXPSimStore
import Foundation
import Logging
import Synchronization

/// Who is calling the Chat SDK API: a verified chat JWT and the integration it names.
package struct SDKCaller: Sendable {
    package let claims: ChatTokenClaims
    package let integration: Integration
    package var accountId: String { integration.accountId }
    package var customerId: String { claims.customerId }
    package var jti: String { claims.tokenId }

    package init(claims: ChatTokenClaims, integration: Integration) {
        self.claims = claims
        self.integration = integration
    }
}

/// The chat domain: sessions, engagements, messages, agents and timers. Every operation runs in
/// one write transaction that also appends its events; subscribers are notified after commit, so
/// an event is stored before it is delivered.
package final class ChatService: Sendable {
    package let store: Store
    package let clocks: ClockService
    /// Where committed events go (delivery, in the server).
    package let sink: any ChatEventSink
    package let reminderLeadOverride: Int?
    package let maxTextLength: Int
    /// Largest attachment, bytes (`--max-attachment-size`).
    package let maxAttachmentBytes: Int
    package let logger = Logger(label: "axpsim.chat")
    /// Wakes the real-clock scheduler when timers were added or removed.
    package let timerSignal: TimerSignal
    /// Observers of the chat (the scenario engine), told after the commit.
    package let observers: ChatObservers
    /// Session views (`GET …/sessions/{id}`, by session id) kept until a commit changes a
    /// session, an engagement, a participant or a conversation; the caller's own checks still run
    /// on every call. The SDK asks at start and after reconnecting, harnesses and dashboards poll.
    let sessionViews: CommittedRowsCache<String, SessionView>

    package init(
        store: Store, clocks: ClockService, sink: any ChatEventSink, observers: ChatObservers, timerSignal: TimerSignal,
        reminderLeadOverride: Int?, maxTextLength: Int = 4096, maxAttachmentBytes: Int = AttachmentPolicy.defaultMaxBytes
    ) {
        self.store = store
        self.sessionViews = CommittedRowsCache(generation: store.sessionViewGeneration, limit: 4096)
        self.clocks = clocks
        self.sink = sink
        self.observers = observers
        self.timerSignal = timerSignal
        self.reminderLeadOverride = reminderLeadOverride
        self.maxTextLength = maxTextLength
        self.maxAttachmentBytes = maxAttachmentBytes
    }

    /// What one transaction emitted, delivered by ``publish(_:)`` once it committed: sessions whose
    /// logs grew, whether timers changed, what happens to connections, and the activity observers
    /// are told about. Operations that take a transaction (`tx`, `emission`) only add to it, so a
    /// caller can make several of them, and its own writes, one commit (the scenario engine does).
    package final class Emission {
        package var touched = Set<String>()
        /// The events appended, in order, with their encoded fields.
        package var events: [CommittedEvent] = []
        package var timersChanged = false
        /// Sessions closed: their held polls and sockets end.
        package var closedSessions: [String] = []
        /// Those of ``closedSessions`` that their own client shut down.
        package var shutDownByClient = Set<String>()
        /// Chat JWTs revoked: connections authenticated with them end.
        package var revokedTokens: [String] = []
        /// Sessions whose connections drop without a goodbye.
        package var droppedConnections: [String] = []
        /// What observers are told, in order.
        package var activities: [ChatActivity] = []

        package init() {}
    }

    /// Runs `body` in one transaction, then delivers what it emitted. Concurrent operations are
    /// committed together (``Store/chatGroupWrite(_:)``): each in its own savepoint, so one that
    /// throws rolls back alone, and each delivers only after the shared commit.
    package func commit<T>(_ body: (ChatTransaction, Emission) throws -> T) throws -> T {
        let emission = Emission()
        let result = try store.chatGroupWrite { tx in try body(tx, emission) }
        publish(emission)
        return result
    }

    /// Delivers what a committed transaction emitted: its events, then the connection changes,
    /// the scheduler's wake-up, and last the observers (which may start more work on this thread).
    package func publish(_ emission: Emission) {
        if !emission.events.isEmpty { sink.published(emission.events, sessions: emission.touched) }
        for sessionId in emission.closedSessions {
            sink.sessionClosed(sessionId, byItsClient: emission.shutDownByClient.contains(sessionId))
        }
        for jti in emission.revokedTokens { sink.tokenRevoked(jti) }
        for sessionId in emission.droppedConnections { sink.dropConnections(sessionId: sessionId) }
        if emission.timersChanged { timerSignal.signal() }
        for activity in emission.activities { observers.report(activity) }
    }

    // MARK: Emitting events

    /// Appends an event to one session's log. An Omni SDK session's event about a chat also names
    /// the chat's conversation.
    func emit(
        _ tx: ChatTransaction, _ emission: Emission, sessionId: String, accountId: String, _ type: EventType, engagement: Engagement?,
        _ fields: [String: JSONValue], at date: Date
    ) throws {
        var fields = fields
        fields["eventDate"] = .date(date)
        if let engagement {
            fields["engagementId"] = .string(engagement.engagementId)
            if let conversationId = engagement.conversationId, try tx.session(sessionId)?.family == .omni {
                fields["conversationId"] = .string(conversationId)
            }
        }
        let text = String(decoding: JSONValue.object(fields).jsonData, as: UTF8.self)
        try append(
            tx, emission, sessionId: sessionId, accountId: accountId, type, engagementId: engagement?.engagementId, fields, text: text, at: date)
    }

    /// Appends one already-complete event (fields and their encoding) to a session's log.
    private func append(
        _ tx: ChatTransaction, _ emission: Emission, sessionId: String, accountId: String, _ type: EventType, engagementId: String?,
        _ fields: [String: JSONValue], text: String, at date: Date
    ) throws {
        let event = try tx.appendEvent(
            sessionId: sessionId, accountId: accountId, type: type, engagementId: engagementId, fields: fields, fieldsText: text, at: date)
        emission.events.append(CommittedEvent(event: event, fieldsText: text))
        emission.touched.insert(sessionId)
    }

    /// Appends an event to the journal only (``ChatTransaction/appendJournalEvent(accountId:type:engagementId:fields:at:)``):
    /// what the control plane's observers see of a chat that no client is told (its route).
    func emitToJournal(_ tx: ChatTransaction, _ emission: Emission, _ engagement: Engagement, _ type: EventType, _ fields: [String: JSONValue], at date: Date)
        throws
    {
        var fields = fields
        fields["eventDate"] = .date(date)
        fields["engagementId"] = .string(engagement.engagementId)
        fields["dialogId"] = .string(engagement.dialogId)
        let event = try tx.appendJournalEvent(accountId: engagement.accountId, type: type, engagementId: engagement.engagementId, fields: fields, at: date)
        emission.events.append(CommittedEvent(event: event, fieldsText: String(decoding: JSONValue.object(fields).jsonData, as: UTF8.self)))
    }

    /// Appends an event to the log of every active session following the engagement. Omni SDK
    /// followers' copy also names the conversation, with `omni` replacing fields it reads differently.
    func emitToFollowers(
        _ tx: ChatTransaction, _ emission: Emission, _ engagement: Engagement, _ type: EventType, _ fields: [String: JSONValue],
        omni: [String: JSONValue] = [:], at date: Date
    ) throws {
        var fields = fields
        fields["dialogId"] = .string(engagement.dialogId)
        fields["eventDate"] = .date(date)
        fields["engagementId"] = .string(engagement.engagementId)
        var omniFields = fields.merging(omni) { _, omni in omni }
        if let conversationId = engagement.conversationId { omniFields["conversationId"] = .string(conversationId) }
        // The same fields for every follower of a family: encoded once.
        var texts: [ClientFamily: String] = [:]
        for (sessionId, family) in try tx.followerFamilies(engagement.engagementId) {
            let familyFields = family == .omni ? omniFields : fields
            let text = texts[family] ?? String(decoding: JSONValue.object(familyFields).jsonData, as: UTF8.self)
            texts[family] = text
            try append(
                tx, emission, sessionId: sessionId, accountId: engagement.accountId, type, engagementId: engagement.engagementId, familyFields,
                text: text, at: date)
        }
    }

    /// A participant's PARTICIPANT_ADDED / PARTICIPANT_DISCONNECTED: a CUSTOMER participant's goes
    /// to its own session only (the SDK takes any CUSTOMER event as its own), others' to every follower.
    func emitParticipantEvent(
        _ tx: ChatTransaction, _ emission: Emission, _ engagement: Engagement, _ type: EventType, _ participant: Participant,
        extra: [String: JSONValue] = [:], at date: Date
    ) throws {
        var fields = extra
        fields["participant"] = EventFields.participant(participant)
        guard participant.participantType == .customer, let sessionId = participant.sessionId else {
            try emitToFollowers(tx, emission, engagement, type, fields, at: date)
            return
        }
        guard try tx.followers(engagement.engagementId).contains(sessionId) else { return }
        fields["dialogId"] = .string(engagement.dialogId)
        try emit(tx, emission, sessionId: sessionId, accountId: engagement.accountId, type, engagement: engagement, fields, at: date)
    }

    /// The present CUSTOMER participant standing for `sessionId` in an engagement, if any.
    func customerParticipant(_ tx: ChatTransaction, _ engagementId: String, sessionId: String) throws -> Participant? {
        try tx.participants(engagementId).last { $0.participantType == .customer && $0.isPresent && $0.sessionId == sessionId }
    }

    // MARK: Lookups with isolation

    /// The caller's session: 404 "Session not found" for unknown, closed, other-account or
    /// other-integration ids; 403 for a session of another customer.
    package func requireSession(_ tx: ChatTransaction, _ caller: SDKCaller, _ sessionId: String, allowClosed: Bool = false) throws -> ChatSession {
        try requireSession(try tx.session(sessionId), caller, allowClosed: allowClosed)
    }

    /// ``requireSession(_:_:_:allowClosed:)`` on a session row already read.
    package func requireSession(_ session: ChatSession?, _ caller: SDKCaller, allowClosed: Bool = false) throws -> ChatSession {
        guard let session, session.accountId == caller.accountId,
            session.integrationId == caller.integration.integrationId, allowClosed || session.state == .active
        else { throw AXPSimError.sessionNotFound }
        guard session.customerId == caller.customerId else {
            throw AXPSimError.forbidden("The token's customer does not own this session")
        }
        return session
    }

    /// The caller's engagement: 404 for unknown or other-account ids, 403 for another customer's.
    package func requireEngagement(_ tx: ChatTransaction, _ caller: SDKCaller, _ engagementId: String) throws -> Engagement {
        guard let engagement = try tx.engagement(engagementId), engagement.accountId == caller.accountId,
            engagement.integrationId == caller.integration.integrationId
        else { throw AXPSimError.notFound(resource: "engagement", id: engagementId) }
        guard engagement.customerId == caller.customerId else {
            throw AXPSimError.forbidden("The token's customer does not own this engagement")
        }
        return engagement
    }

    /// Checks a `dialogId` (a body field or query parameter) against the engagement's dialog: a
    /// wrong one is a 400 violation on that field, as a wrong `parentMessageId` is. The engagement
    /// the URL names exists, so the answer is not a 404.
    func checkDialog(_ engagement: Engagement, _ dialogId: String?) throws {
        if let dialogId, dialogId != engagement.dialogId {
            throw AXPSimError.constraintViolation([
                Violation(field: "dialogId", message: "is not the dialog of this engagement", code: .invalidValue)
            ])
        }
    }

    /// The engagement with its participants, as the chat answers it.
    package func engagementView(_ tx: ChatTransaction, _ engagement: Engagement) throws -> EngagementView {
        EngagementView(engagement: engagement, participants: try tx.participants(engagement.engagementId))
    }

    package func now(_ accountId: String) throws -> Date {
        try clocks.now(accountId: accountId)
    }
}

extension AXPSimError {
    /// The SDK invalidates its session on exactly this 404 detail.
    package static let sessionNotFound = AXPSimError.notFoundDetail(code: "session_not_found", detail: "Session not found")
}
