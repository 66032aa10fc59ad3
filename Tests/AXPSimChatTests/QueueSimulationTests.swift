import AXPSimChat
import AXPSimCore
import AXPSimServer
import AXPSimTesting
import Foundation
import Testing

/// The contact center behind an integration on the account's virtual clock (SPEC section 10), on
/// the bundled fixtures' `triage` integration: queue order, capacity, positions, answers,
/// availability, overflow, restarts — and the same transcript every time.
@Suite struct QueueSimulationTests {
    static let start = Date(timeIntervalSince1970: 1_893_488_400)  // 2030-01-01T09:00:00Z
    static let account = "DEMOAA"
    static let tenant = TestTenant.retailTriage

    /// One journal line per event of the account: type, chat, and what matters of it.
    static func transcript(_ sim: TestEmulator) async throws -> [String] {
        try await sim.control.journal(account).events.map { entry in
            let object = entry.objectValue
            let event = object["event"]?.objectValue ?? [:]
            let chat = String(object["engagementId"]?.stringValue?.prefix(0) ?? "")
            let type = object["eventType"]?.stringValue ?? "?"
            var detail = ""
            switch type {
            case "QUEUE_POSITION":
                detail = "\(event["position"]?.intValue ?? -1)/\(event["estimatedWaitSeconds"]?.intValue.map(String.init) ?? "-")"
            case "PARTICIPANT_ADDED", "PARTICIPANT_DISCONNECTED":
                detail = event["participant"]?.objectValue["displayName"]?.stringValue ?? ""
            case "MESSAGE":
                detail = event["message"]?.objectValue["body"]?.objectValue["elementText"]?.objectValue["text"]?.stringValue ?? ""
            case "ROUTED":
                let routing = event["routing"]?.objectValue ?? [:]
                detail = "\(routing["queue"]?.stringValue ?? "-") \(routing["rule"]?.stringValue ?? "-")"
            default: break
            }
            return "\(event["eventDate"]?.stringValue?.suffix(13) ?? "") \(chat)\(type) \(detail)"
        }
    }

    /// The journal's events of one chat, as (type, event).
    static func events(_ sim: TestEmulator, _ chat: TestChat, _ type: String) async throws -> [[String: JSONValue]] {
        try await sim.control.journal(account).events.map(\.objectValue).filter {
            $0["engagementId"]?.stringValue == chat.engagementId && $0["eventType"]?.stringValue == type
        }.map { $0["event"]?.objectValue ?? [:] }
    }

    static func chat(_ sim: TestEmulator, _ id: String, parameters: [String: String] = [:], verified: Bool = false, identifiers: [String: [String]]? = nil)
        async throws -> (ChatCustomer, TestChat)
    {
        let customer = try await sim.customer(tenant, id: id, verified: verified, identifiers: identifiers)
        try await customer.startSession()
        return (customer, try await customer.startChat(parameters: parameters))
    }

    static func agentNames(_ sim: TestEmulator, _ chat: TestChat) async throws -> [String] {
        try await events(sim, chat, "PARTICIPANT_ADDED").compactMap {
            let participant = $0["participant"]?.objectValue
            return participant?["participantType"]?.stringValue == "AGENT" ? participant?["displayName"]?.stringValue : nil
        }
    }

    @Test func chatsAreAnsweredInArrivalOrderWithinTheAgentsCapacity() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        try await sim.control.freezeClock(Self.account, at: Self.start)
        var chats: [TestChat] = []
        for name in ["c1", "c2", "c3", "c4"] { chats.append(try await Self.chat(sim, name).1) }
        // Alice and Bob (one seat each) take c1 and c2 at once; c3 and c4 wait, told where they are.
        #expect(try await Self.events(sim, chats[0], "QUEUE_POSITION").isEmpty)
        #expect(try await Self.events(sim, chats[2], "QUEUE_POSITION").map { $0["position"]?.intValue } == [1])
        #expect(try await Self.events(sim, chats[3], "QUEUE_POSITION").map { $0["position"]?.intValue } == [2])
        #expect(try await Self.events(sim, chats[3], "QUEUE_POSITION").first?["estimatedWaitSeconds"]?.intValue == 20 + 240)
        let queue = try await sim.control.queue(Self.account, "general")
        #expect(queue["waiting"]?.arrayValue.compactMap { $0.objectValue["engagementId"]?.stringValue } == [chats[2].engagementId, chats[3].engagementId])
        #expect(queue["agents"]?.arrayValue.map { $0.objectValue["load"]?.intValue } == [1, 1])
        #expect(try await sim.control.engagement(chats[0].engagementId)["status"]?.stringValue == "PENDING", "the answer delay has not passed")
        #expect(try await sim.control.advance(Self.account, seconds: 20) == 2)
        #expect(try await Self.agentNames(sim, chats[0]) == ["Alice"])
        #expect(try await Self.agentNames(sim, chats[1]) == ["Bob"])
        let greeting = try await Self.events(sim, chats[0], "MESSAGE").first?["message"]?.objectValue["body"]?.objectValue["elementText"]?.objectValue
        #expect(greeting?["text"]?.stringValue == "Hi, I'm Alice. How can I help?")
        #expect(try await sim.control.engagement(chats[0].engagementId)["status"]?.stringValue == "ACTIVE")
        // c1 ends: Alice takes c3 (the first waiting), c4 moves up to position 1.
        try await sim.control.endChat(chats[0].engagementId)
        #expect(try await Self.events(sim, chats[3], "QUEUE_POSITION").map { $0["position"]?.intValue } == [2, 1])
        #expect(try await sim.control.engagement(chats[2].engagementId)["queue"]?.objectValue["state"]?.stringValue == "assigned")
        try await sim.control.advance(Self.account, seconds: 20)
        #expect(try await Self.agentNames(sim, chats[2]) == ["Alice"])
        #expect(try await Self.agentNames(sim, chats[3]).isEmpty)
        let routing = try await sim.control.engagement(chats[3].engagementId)["routing"]?.objectValue
        #expect(routing?["queue"]?.stringValue == "general" && routing?["rule"] == .null)
    }

    @Test func theSameInputsGiveTheSameTranscript() async throws {
        func run() async throws -> [String] {
            let sim = try TestEmulator()
            defer { sim.stop() }
            try await sim.control.freezeClock(Self.account, at: Self.start)
            var chats: [TestChat] = []
            for name in ["d1", "d2", "d3"] { chats.append(try await Self.chat(sim, name).1) }
            _ = try await Self.chat(sim, "d4", parameters: ["language": "fr"])
            try await sim.control.advance(Self.account, seconds: 25)
            try await sim.control.endChat(chats[1].engagementId)
            try await sim.control.advance(Self.account, seconds: 400)
            return try await Self.transcript(sim)
        }
        let first = try await run()
        #expect(first.count > 15)
        #expect(try await run() == first)
    }

    @Test func contextDataChoosesTheQueue() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        try await sim.control.freezeClock(Self.account, at: Self.start)
        let (_, french) = try await Self.chat(sim, "fr", parameters: ["language": "fr"])
        let (_, gold) = try await Self.chat(sim, "gold", verified: true, identifiers: ["tier": ["gold"]])
        let (_, unverified) = try await Self.chat(sim, "fake-gold", identifiers: ["tier": ["gold"]])
        #expect(try await sim.control.engagement(french.engagementId)["routing"]?.objectValue["queue"]?.stringValue == "french")
        let goldRoute = try await sim.control.engagement(gold.engagementId)["routing"]?.objectValue
        #expect(goldRoute?["rule"]?.stringValue == "gold-customers" && goldRoute?["routingAttributes"] == .object(["language": "en", "tier": "gold"]))
        #expect(try await sim.control.engagement(unverified.engagementId)["routing"]?.objectValue["queue"]?.stringValue == "general",
            "identifiers of an unverified customer are not kept, so they cannot route")
        try await sim.control.advance(Self.account, seconds: 30)
        #expect(try await Self.agentNames(sim, french) == ["Amélie"])
        #expect(try await Self.agentNames(sim, gold) == ["Grace"])
        #expect(try await Self.events(sim, french, "ROUTED").first?["routing"]?.objectValue["rule"]?.stringValue == "french-speakers")
    }

    @Test func anAgentWhoBecomesAvailableTakesTheFirstWaitingChat() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        try await sim.control.freezeClock(Self.account, at: Self.start)
        for agent in ["alice", "bob"] { try await sim.control.setAgentState(Self.account, queue: "general", agent: agent, "away") }
        let (_, chat) = try await Self.chat(sim, "w1")
        let told = try await Self.events(sim, chat, "QUEUE_POSITION")
        #expect(told.count == 1 && told[0]["position"]?.intValue == 1 && told[0]["estimatedWaitSeconds"] == nil, "no agent can take it: no estimate")
        try await sim.control.advance(Self.account, seconds: 120)
        try await sim.control.setAgentState(Self.account, queue: "general", agent: "bob", "available")
        #expect(try await sim.control.engagement(chat.engagementId)["queue"]?.objectValue["agentId"]?.stringValue == "bob")
        try await sim.control.advance(Self.account, seconds: 20)
        #expect(try await Self.agentNames(sim, chat) == ["Bob"])
    }

    @Test func aChatOverflowsOnceThenTimesOut() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        try await sim.control.freezeClock(Self.account, at: Self.start)
        try await sim.control.setAgentState(Self.account, queue: "french", agent: "amelie", "away")
        let (_, french) = try await Self.chat(sim, "fr-late", parameters: ["language": "fr"])
        try await sim.control.advance(Self.account, seconds: 300)
        let routes = try await Self.events(sim, french, "ROUTED").map { $0["routing"]?.objectValue ?? [:] }
        #expect(routes.map { $0["queue"]?.stringValue } == ["french", "general"])
        #expect(routes.last?["overflowedFrom"]?.stringValue == "french" && routes.last?["routingAttributes"] == .object(["language": "en"]))
        try await sim.control.advance(Self.account, seconds: 20)
        #expect(try await Self.agentNames(sim, french) == ["Alice"], "offered to general's agents with the integration's attributes")

        for agent in ["alice", "bob"] { try await sim.control.setAgentState(Self.account, queue: "general", agent: agent, "away") }
        let (_, stuck) = try await Self.chat(sim, "nobody")
        try await sim.control.advance(Self.account, seconds: 899)
        #expect(try await sim.control.engagement(stuck.engagementId)["status"]?.stringValue == "PENDING")
        try await sim.control.advance(Self.account, seconds: 1)
        let ended = try await sim.control.engagement(stuck.engagementId)
        #expect(ended["status"]?.stringValue == "TERMINATED" && ended["endReason"]?.stringValue == "QUEUE_TIMEOUT")
        #expect(try await Self.events(sim, stuck, "ENGAGEMENT_ERROR").first?["error"]?.objectValue["type"]?.stringValue == "queue_timeout")
    }

    @Test func aWaitResumesAfterARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("axpsim-queue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { _ = try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("state.sqlite").path
        let chats: [TestChat]
        do {
            let first = try TestEmulator { $0.databasePath = database }
            try await first.control.freezeClock(Self.account, at: Self.start)
            var made: [TestChat] = []
            for name in ["r1", "r2", "r3"] { made.append(try await Self.chat(first, name).1) }
            try await first.control.advance(Self.account, seconds: 10)
            chats = made
            first.stop()
        }
        let second = try TestEmulator { $0.databasePath = database }
        defer { second.stop() }
        try await second.control.advance(Self.account, seconds: 10)
        #expect(try await Self.agentNames(second, chats[0]) == ["Alice"], "answer timers survived")
        #expect(try await Self.agentNames(second, chats[1]) == ["Bob"])
        try await second.control.endChat(chats[1].engagementId)
        try await second.control.advance(Self.account, seconds: 20)
        #expect(try await Self.agentNames(second, chats[2]) == ["Bob"], "the waiting chat kept its place")
    }

    @Test func aRuleCanStartTheChatsWorkflow() async throws {
        let scenarios = URL(fileURLWithPath: TestEmulator.bundledFixtures).deletingLastPathComponent().appendingPathComponent("scenarios").path
        let sim = try TestEmulator { $0.scenariosPath = scenarios }
        defer { sim.stop() }
        try await sim.control.freezeClock("DEMOBB", at: Self.start)
        let ann = try await sim.customer(.bank, id: "lost")
        try await ann.startSession()
        let chat = try await ann.startChat(parameters: ["topic": "stolen-card"])
        let runs = try await sim.control.scenarioRuns()
        #expect(runs.contains { $0["scenario"]?.stringValue == "lost-card-bot" && $0["engagementId"]?.stringValue == chat.engagementId })
        let said = try await ann.poll().filter { $0.type == "MESSAGE" }
        #expect(said.first?.text?.contains("blocked") == true)
    }
}
