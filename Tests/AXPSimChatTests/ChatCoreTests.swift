import AXPSimAuth
import AXPSimChat
import AXPSimCore
import AXPSimStore
import Foundation
import Synchronization
import Testing

/// What a chat service published, in order (the sink the server's delivery implements).
final class RecordingSink: ChatEventSink {
    enum Call: Equatable {
        case published(types: [String], sessions: Set<String>)
        case sessionClosed(String)
        case tokenRevoked(String)
        case dropped(String)
    }

    let calls = Mutex<[Call]>([])
    /// Each published event's sequence number was already readable from the store when published.
    let readBack = Mutex<[Bool]>([])
    let store: Store

    init(store: Store) {
        self.store = store
    }

    func published(_ events: [CommittedEvent], sessions: Set<String>) {
        let visible = events.map { committed in
            (try? store.chatRead { try $0.events(sessionId: committed.event.sessionId, after: committed.event.seq - 1, limit: 1) })?.first?.seq
                == committed.event.seq
        }
        readBack.withLock { $0 += visible }
        calls.withLock { $0.append(.published(types: events.map(\.event.eventType.rawValue), sessions: sessions)) }
    }

    func sessionClosed(_ sessionId: String, byItsClient: Bool) {
        calls.withLock { $0.append(.sessionClosed(sessionId)) }
    }

    func tokenRevoked(_ jti: String) {
        calls.withLock { $0.append(.tokenRevoked(jti)) }
    }

    func dropConnections(sessionId: String) -> Int {
        calls.withLock { $0.append(.dropped(sessionId)) }
        return 0
    }

    var all: [Call] { calls.withLock { $0 } }
}

/// What the chat reported to its observers.
final class ActivityLog: ChatActivityObserver {
    let entries = Mutex<[String]>([])

    func chatActivity(_ activity: ChatActivity) {
        let text =
            switch activity {
            case .engagementCreated: "created"
            case .customerMessage: "customer"
            case .agentMessage: "agent"
            case .engagementEnded: "ended"
            }
        entries.withLock { $0.append(text) }
    }
}

/// The chat core alone — no HTTP, no sockets, no emulator: a store in memory, a virtual clock, a
/// recording sink. What the adapters rely on is checked here, on the domain values.
struct ChatHarness {
    static let start = Date(timeIntervalSince1970: 1_893_484_800)  // 2030-01-01T08:00:00Z
    let store: Store
    let clocks: ClockService
    let keys: KeyRing
    let tokens: TokenService
    let sink: RecordingSink
    let activity = ActivityLog()
    let chat: ChatService
    let integration: Integration
    let other: Integration

    init(idleTimeoutSeconds: Int? = nil) throws {
        store = try Store(path: ":memory:")
        _ = try store.createAccount(Account(accountId: "CORE01", name: "Core"), now: Self.start)
        integration = try store.createIntegration(
            Integration(integrationId: Identifiers.newUUID(), accountId: "CORE01", name: "web", idleTimeoutSeconds: idleTimeoutSeconds))
        other = try store.createIntegration(Integration(integrationId: Identifiers.newUUID(), accountId: "CORE01", name: "other"))
        clocks = ClockService(store: store, defaultMode: .virtual)
        try clocks.set(accountId: "CORE01", ClockState(mode: .virtual, virtualNow: Self.start))
        keys = try KeyRing(keys: [try SigningKey.generate()])
        tokens = TokenService(store: store, keys: keys, clocks: clocks, tokenTTLOverride: nil)
        sink = RecordingSink(store: store)
        let observers = ChatObservers()
        observers.add(activity)
        chat = ChatService(store: store, clocks: clocks, sink: sink, observers: observers, timerSignal: TimerSignal(), reminderLeadOverride: nil)
    }

    /// A verified caller for `customerId` on `integration` (as the SDK's JWT makes one).
    func caller(_ customerId: String, on integration: Integration? = nil) throws -> SDKCaller {
        let integration = integration ?? self.integration
        let minted = try tokens.mint(
            accountId: "CORE01", request: TokenRequest(integrationId: integration.integrationId, customerId: customerId), issuer: "http://core.test")
        return SDKCaller(claims: try keys.verify(minted.jwtToken, now: Self.start), integration: integration)
    }

    func session(_ caller: SDKCaller) throws -> String {
        try chat.createSession(caller, SDKRequests.CreateSession(displayName: nil, clientType: "test", sessionParameters: [:])).session.sessionId
    }

    func say(_ caller: SDKCaller, _ sessionId: String, _ engagementId: String, _ text: String) throws -> ChatMessage {
        try chat.sendMessage(
            caller, engagementId,
            SDKRequests.SendMessage(sessionId: sessionId, dialogId: nil, parentMessageId: nil, body: ChatMessage.textBody(text), text: text))
    }

    func events(_ sessionId: String) throws -> [SessionEvent] {
        try store.chatRead { try $0.events(sessionId: sessionId, after: 0, limit: 1000) }
    }
}

@Suite struct ChatCoreTests {
    @Test func everyCommitIsPublishedOnceStoredInOrder() throws {
        let core = try ChatHarness()
        let ann = try core.caller("ann")
        let session = try core.session(ann)
        let chat = try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: session, engagementParameters: ["topic": "refund"]))
        #expect(chat.engagement.status == .pending && chat.engagement.engagementParameters == ["topic": "refund"])
        #expect(chat.participants.map(\.participantType) == [.customer], "the customer joins at once")
        let agent = try core.chat.participantJoin(chat.engagement.engagementId, type: .agent, displayName: "Alice")
        _ = try core.chat.participantMessage(chat.engagement.engagementId, text: "Hi", participantId: agent.participantId, types: [.agent])
        _ = try core.say(ann, session, chat.engagement.engagementId, "Hello")
        #expect(
            core.sink.all == [
                // ROUTED is the journal's only: no session's log carries it.
                .published(types: ["ENGAGEMENT_CREATED", "PARTICIPANT_ADDED", "ROUTED"], sessions: [session]),
                .published(types: ["PARTICIPANT_ADDED"], sessions: [session]),
                .published(types: ["MESSAGE"], sessions: [session]),
                .published(types: ["MESSAGE"], sessions: [session]),
            ])
        #expect(core.sink.readBack.withLock { $0 }.allSatisfy { $0 }, "an event is stored before anyone hears of it")
        #expect(try core.events(session).map(\.seq) == [1, 2, 3, 4, 5], "one gap-free log per session")
        #expect(core.activity.entries.withLock { $0 } == ["created", "agent", "customer"])
    }

    @Test func sessionsAreIsolatedByCustomerIntegrationAndState() throws {
        let core = try ChatHarness()
        let ann = try core.caller("ann")
        let session = try core.session(ann)
        let chat = try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: session, engagementParameters: [:]))
        let bob = try core.caller("bob")
        #expect(throws: AXPSimError.forbidden("The token's customer does not own this session")) { try core.chat.session(bob, session) }
        #expect(throws: AXPSimError.forbidden("The token's customer does not own this engagement")) {
            try core.chat.engagement(bob, chat.engagement.engagementId)
        }
        let annElsewhere = try core.caller("ann", on: core.other)
        #expect(throws: AXPSimError.sessionNotFound, "another integration's token does not see the session") {
            try core.chat.session(annElsewhere, session)
        }
        #expect(throws: AXPSimError.notFound(resource: "engagement", id: chat.engagement.engagementId)) {
            try core.chat.engagement(annElsewhere, chat.engagement.engagementId)
        }
        #expect(try core.chat.closeSession(session, reason: "USER_CLOSED"))
        #expect(try core.chat.closeSession(session, reason: "USER_CLOSED") == false, "closed once")
        #expect(throws: AXPSimError.sessionNotFound) { try core.chat.session(ann, session) }
        #expect(core.sink.all.filter { $0 == .sessionClosed(session) }.count == 2, "delivery lets followers go after each close")
        #expect(try core.events(session).last?.eventType == .sessionClosed, "SESSION_CLOSED is the session's last event")
    }

    @Test func aSecondSessionJoinsAndBothFollowTheChat() throws {
        let core = try ChatHarness()
        let phone = try core.caller("cy")
        let laptop = try core.caller("cy")
        let first = try core.session(phone)
        let second = try core.session(laptop)
        let chat = try core.chat.createEngagement(phone, SDKRequests.CreateEngagement(sessionId: first, engagementParameters: [:]))
        let engagementId = chat.engagement.engagementId
        let joined = try core.chat.join(laptop, engagementId, SDKRequests.DialogAction(sessionId: second, dialogId: chat.engagement.dialogId, reason: nil))
        #expect(joined.participants.filter { $0.participantType == .customer }.count == 1, "the answer shows the chat as it was joined")
        let now = try core.chat.engagement(laptop, engagementId)
        #expect(now.participants.filter { $0.participantType == .customer }.map(\.sessionId) == [first, second])
        _ = try core.say(laptop, second, engagementId, "from the laptop")
        #expect(try core.events(first).last?.eventType == .message && core.events(second).last?.eventType == .message)
        #expect(throws: AXPSimError.constraintViolation([Violation(field: "dialogId", message: "is not the dialog of this engagement", code: .invalidValue)])) {
            try core.chat.join(laptop, engagementId, SDKRequests.DialogAction(sessionId: second, dialogId: "wrong", reason: nil))
        }
        let page = try core.chat.messages(laptop, engagementId, try SDKRequests.messagePage(["pageSize": "1", "orderBy": "ASC"]))
        #expect(page.messages.map(\.text) == ["from the laptop"] && page.total == 1 && !page.hasNext)
        let ended = try core.chat.disconnect(phone, engagementId, SDKRequests.DialogAction(sessionId: first, dialogId: nil, reason: nil))
        #expect(ended.engagement.status == .terminated && ended.engagement.endReason == "USER_CLOSED")
        #expect(throws: AXPSimError.engagementEnded(engagementId)) { try core.say(laptop, second, engagementId, "late") }
        #expect(core.activity.entries.withLock { $0 } == ["created", "customer", "ended"])
    }

    @Test func messagesRespectTheLimitAndTheJoinRule() throws {
        let core = try ChatHarness()
        let ann = try core.caller("ann")
        let session = try core.session(ann)
        let other = try core.session(ann)
        let chat = try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: session, engagementParameters: [:]))
        #expect(throws: AXPSimError.conflict(code: "engagement_not_joined", detail: "This session has not joined the engagement; join it first")) {
            try core.say(ann, other, chat.engagement.engagementId, "not joined")
        }
        #expect(throws: AXPSimError.self) {
            try core.chat.participantMessage(chat.engagement.engagementId, text: "", participantId: nil, types: [.agent])
        }
        let many = try (1...25).map { try core.say(ann, session, chat.engagement.engagementId, "m\($0)") }
        #expect(many.map(\.messageIndex) == Array(1...25), "indexes are dense and ordered")
        let page = try core.chat.messages(ann, chat.engagement.engagementId, try SDKRequests.messagePage(["pageSize": "10", "pageNumber": "3"]))
        #expect(page.messages.count == 5 && page.totalPages == 3 && !page.hasNext)
    }

    @Test func tokensRevokedAndConnectionsDroppedGoThroughTheSink() throws {
        let core = try ChatHarness()
        let ann = try core.caller("ann")
        let session = try core.session(ann)
        let chat = try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: session, engagementParameters: [:]))
        let engagementId = chat.engagement.engagementId
        let revoked = try core.chat.commit { tx, emission in
            let jtis = try core.chat.revokeTokens(tx, emission, following: engagementId, at: ChatHarness.start)
            try core.chat.dropConnections(tx, emission, following: engagementId)
            #expect(core.sink.all.filter { $0 == .tokenRevoked(ann.jti) }.isEmpty, "nothing reaches the sink before the commit")
            return jtis
        }
        #expect(revoked == [ann.jti])
        #expect(core.sink.all.suffix(2) == [.tokenRevoked(ann.jti), .dropped(session)])
        #expect(try core.store.issuedToken(jti: ann.jti)?.revokedAt != nil)
    }

    @Test func theIdleTimerEndsAQuietChatOnTheVirtualClock() throws {
        let core = try ChatHarness(idleTimeoutSeconds: 300)
        let ann = try core.caller("ann")
        let session = try core.session(ann)
        let chat = try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: session, engagementParameters: [:]))
        let idle = try core.store.chatRead { try $0.nextDueTimer(accountId: "CORE01", notAfter: .distantFuture) }
        #expect(idle?.kind == .idleTimeout && idle?.dueAt == ChatHarness.start.addingTimeInterval(300))
        if let idle { #expect(try core.chat.fire(idle, now: idle.dueAt)) }
        #expect(try core.store.chatRead { try $0.engagement(chat.engagement.engagementId) }?.endReason == "USER_INACTIVE")
        #expect(core.activity.entries.withLock { $0 }.last == "ended")
        if let idle { #expect(try core.chat.fire(idle, now: idle.dueAt) == false, "a timer fires once") }
        let next = try core.store.chatRead { try $0.nextDueTimer(accountId: "CORE01", notAfter: .distantFuture) }
        #expect(next?.kind == .tokenReminder && next?.dueAt == ChatHarness.start.addingTimeInterval(720), "the token's reminder, 3 min before its 15")
    }
}

@Suite struct FaultInjectorUnitTests {
    @Test func aSeededRuleGivesTheSameSequenceAndACountedOneStops() {
        func sequence(seed: UInt64) -> [Bool] {
            let faults = FaultInjector()
            faults.replace(with: [Fault(match: Fault.Match(method: "GET", path: "/x"), action: .status(503), probability: 0.5, seed: seed)])
            return (0..<64).map { _ in faults.action(method: "GET", path: "/x") != nil }
        }
        #expect(sequence(seed: 9) == sequence(seed: 9))
        #expect(sequence(seed: 9) != sequence(seed: 10))
        #expect(Set(sequence(seed: 9)) == [true, false])
        let counted = FaultInjector()
        counted.replace(with: [Fault(match: Fault.Match(event: "MESSAGE"), action: .drop, count: 2)])
        #expect((0..<4).map { _ in counted.action(event: .message) } == [.drop, .drop, nil, nil])
        #expect(counted.action(method: "GET", path: "/x") == nil, "an event rule never matches a request")
    }
}
