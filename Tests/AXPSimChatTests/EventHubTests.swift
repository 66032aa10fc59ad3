import AXPSimChat
import AXPSimCore
import AXPSimTesting
import Testing

/// Delivery of a session's event log to long polls: the server-side cursor, hold and wake,
/// gap-free order. (The socket queue bound and slow-consumer close are unit-tested in
/// `AXPSimWebSocketTests`; their end-to-end behaviour in `Tests/e2e/test_event_socket.py`.)
@Suite struct EventHubTests {
    /// A customer of a fresh account with a session and a new chat.
    static func customerInChat(_ sim: TestEmulator) async throws -> (ChatCustomer, TestChat) {
        let tenant = try await sim.control.provisionTenant()
        let ann = try await sim.customer(tenant, id: "ann")
        try await ann.startSession()
        return (ann, try await ann.startChat())
    }

    /// A poll's `lastEventId` acknowledges; one without it continues after the acknowledged id.
    @Test func aPollWithoutLastEventIdContinuesAfterTheAcknowledgedOne() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        let (ann, chat) = try await Self.customerInChat(sim)
        let first = try await ann.poll()
        #expect(try await ann.poll().isEmpty, "this poll acknowledges what the first returned (it sends its last id)")
        try await sim.control.agentJoins(chat.engagementId)
        // The SDK drops its id after an empty answer and polls without one.
        let next = try await ann.call("GET", "/sessions/\(ann.sessionId)/events", query: ["waitSeconds": "0"])
        guard case .array(let events) = try next.json() else {
            Issue.record("not an array")
            return
        }
        let acknowledged = first.compactMap { Int($0.eventId) }.max() ?? 0
        let ids = events.compactMap { $0.objectValue["eventId"]?.stringValue.flatMap { Int($0) } }
        #expect(acknowledged > 0 && ids.first == acknowledged + 1, "only what came after the acknowledged event \(acknowledged): \(ids)")
        #expect(events.contains { $0.objectValue["eventType"]?.stringValue == "PARTICIPANT_ADDED" })
    }

    @Test func aHeldPollIsAnsweredByTheNextEvent() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        let (ann, chat) = try await Self.customerInChat(sim)
        _ = try await ann.poll()
        async let held = ann.poll(wait: 60)
        try await sim.control.agentJoins(chat.engagementId, name: "Zed")
        let woken = try await held
        #expect(woken.first?.type == "PARTICIPANT_ADDED")
        #expect(woken.first?.participantName == "Zed")
    }

    @Test func eventIdsAreGapFreeAndIncreasing() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        let (ann, chat) = try await Self.customerInChat(sim)
        try await sim.control.agentJoins(chat.engagementId)
        for index in 0..<20 {
            if index.isMultiple(of: 2) { try await ann.say("c\(index)", in: chat) } else { try await sim.control.agentSays(chat.engagementId, "a\(index)") }
        }
        let ids = try await ann.poll().compactMap { Int($0.eventId) }
        #expect(ids == Array(1...ids.count) && ids.count >= 22)
    }

    @Test func aHeldPollEndsWithSessionNotFoundWhenTheSessionCloses() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        let (ann, _) = try await Self.customerInChat(sim)
        _ = try await ann.poll()
        #expect(try await ann.poll().isEmpty, "acknowledges the first answer: the next poll has nothing to send")
        async let held = ann.call("GET", "/sessions/\(ann.sessionId)/events", query: ["waitSeconds": "60"])
        // Wait (on state, not time) until the poll is held.
        var isHeld = false
        for _ in 0..<1_000 where !isHeld {
            let health = try await sim.send("GET", "/__sim/health").json()
            isHeld = health.objectValue["delivery"]?.objectValue["heldPolls"] == .int(1)
            await Task.yield()
        }
        #expect(isHeld)
        let closed = try await sim.send("POST", "/__sim/sessions/\(ann.sessionId)/close")
        #expect(closed.status == 200)
        let answer = try await held
        // SESSION_CLOSED is not a long-poll event: the held poll is let go with the SDK's 404.
        #expect(answer.status == 404 && answer.problemCode == "session_not_found")
    }

    /// Customers on two devices and an agent write at once: every session's log stays gap-free and
    /// every message is in each follower's log exactly once, in `messageIndex` order.
    @Test func concurrentWritersKeepEveryLogGapFreeAndOrdered() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        let tenant = try await sim.control.provisionTenant()
        let phone = try await sim.customer(tenant, id: "dee")
        let laptop = try await sim.customer(tenant, id: "dee")
        try await phone.startSession()
        try await laptop.startSession()
        let chat = try await phone.startChat()
        try await laptop.join(chat)
        try await sim.control.agentJoins(chat.engagementId)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<15 {
                group.addTask { try await phone.say("p\(index)", in: chat) }
                group.addTask { try await laptop.say("l\(index)", in: chat) }
                group.addTask { try await sim.control.agentSays(chat.engagementId, "a\(index)") }
            }
            try await group.waitForAll()
        }
        for device in [phone, laptop] {
            var events: [TestEvent] = []
            while true {
                let batch = try await device.poll()
                if batch.isEmpty { break }
                events += batch
            }
            let ids = events.compactMap { Int($0.eventId) }
            #expect(ids == Array(1...ids.count), "gap-free, increasing")
            let texts = events.filter { $0.type == "MESSAGE" }.compactMap(\.text)
            #expect(texts.count == 45 && Set(texts).count == 45, "each message once")
        }
        let history = try await phone.history(chat, pageSize: 100)
        let indexes = history["messages"]?.arrayValue.compactMap { $0.objectValue["messageIndex"]?.intValue } ?? []
        #expect(indexes == Array(1...45).map(Int64.init))
    }
}
