import AXPSimChat
import AXPSimCore
import AXPSimServer
import AXPSimTesting
import Testing

/// The chat core through the in-process test kit: sessions, chats, joins, messages and the
/// isolation rules, each on a freshly provisioned account.
@Suite struct ChatServiceTests {
    @Test func aWholeChat() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        let tenant = try await sim.control.provisionTenant()
        let ann = try await sim.customer(tenant, id: "ann", name: "Ann")
        try await ann.startSession()
        let chat = try await ann.startChat(parameters: ["topic": "refund"])
        #expect(try await sim.control.engagement(chat.engagementId)["status"]?.stringValue == "PENDING")
        let first = try await ann.poll()
        #expect(first.map(\.type) == ["ENGAGEMENT_CREATED", "PARTICIPANT_ADDED"], "the customer's own join activates the chat in the SDK")
        try await sim.control.agentJoins(chat.engagementId, name: "Alice")
        try await sim.control.agentSays(chat.engagementId, "Hi, I'm Alice")
        try await ann.say("I want a refund", in: chat)
        let events = try await ann.poll()
        #expect(events.map(\.type) == ["PARTICIPANT_ADDED", "MESSAGE", "MESSAGE"])
        let history = try await ann.history(chat)
        guard case .array(let messages)? = history["messages"] else {
            Issue.record("no messages")
            return
        }
        #expect(messages.map { $0.objectValue["body"]?.objectValue["elementText"]?.objectValue["text"]?.stringValue } == ["Hi, I'm Alice", "I want a refund"])
        try await ann.disconnect(chat)
        let after = try await ann.call("POST", "/engagements/\(chat.engagementId)/messages", json: .object([
            "sessionId": .string(ann.sessionId), "dialogId": .string(chat.dialogId),
            "body": .object(["elementType": .string("TEXT"), "elementText": .object(["text": .string("late"), "textFormat": .string("PLAINTEXT")])]),
        ]))
        #expect(after.status == 409, "a message to an ended chat is a state conflict")
    }

    @Test func twoDevicesOfOneCustomerShareAChat() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        let tenant = try await sim.control.provisionTenant()
        let phone = try await sim.customer(tenant, id: "bo")
        let laptop = try await sim.customer(tenant, id: "bo")
        try await phone.startSession()
        try await laptop.startSession()
        #expect(phone.sessionId != laptop.sessionId)
        let chat = try await phone.startChat()
        try await laptop.join(chat)
        try await laptop.say("from the laptop", in: chat)
        let seenByPhone = try await phone.poll().filter { $0.type == "MESSAGE" }
        #expect(seenByPhone.count == 1, "a customer message reaches every session following the chat")
        #expect(seenByPhone.first?.text == "from the laptop")
        // The phone leaves; the chat goes on for the laptop.
        try await phone.shutdown()
        try await sim.control.agentJoins(chat.engagementId)
        try await sim.control.agentSays(chat.engagementId, "still here")
        #expect(try await laptop.poll().contains {
            $0.type == "MESSAGE" && $0.participantType == "AGENT"
        })
    }

    @Test func isolationBetweenCustomersAndAccounts() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        let tenant = try await sim.control.provisionTenant()
        let other = try await sim.control.provisionTenant(name: "other")
        let ann = try await sim.customer(tenant, id: "ann")
        try await ann.startSession()
        let chat = try await ann.startChat()
        let eve = try await sim.customer(tenant, id: "eve")
        try await eve.startSession()
        #expect(try await eve.call("GET", "/sessions/\(ann.sessionId)").status == 403, "another customer of the account")
        #expect(try await eve.call("POST", "/engagements/\(chat.engagementId):join", json: .object([
            "sessionId": .string(eve.sessionId), "dialogId": .string(chat.dialogId),
        ])).status == 403)
        let mallory = try await sim.customer(other, id: "ann")
        try await mallory.startSession()
        let foreign = try await mallory.call("GET", "/sessions/\(ann.sessionId)")
        #expect(foreign.status == 404 && foreign.problemCode == "session_not_found", "another account's ids do not exist")
    }
}

/// The same kit over real HTTP on free loopback ports.
@Suite struct TestKitOverPortsTests {
    @Test func aChatOverRealHTTP() async throws {
        let sim = try TestEmulator(transport: .ports)
        defer { sim.stop() }
        #expect(sim.emulator.httpURL.hasPrefix("http://127.0.0.1:"))
        let ann = try await sim.customer(.retail, id: "wire-ann")
        try await ann.startSession()
        let chat = try await ann.startChat()
        try await sim.control.agentJoins(chat.engagementId)
        try await ann.say("over the wire", in: chat)
        let types = try await ann.poll().map(\.type)
        #expect(types == ["ENGAGEMENT_CREATED", "PARTICIPANT_ADDED", "PARTICIPANT_ADDED", "MESSAGE"])
    }
}
