import AXPSimChat
import AXPSimCore
import AXPSimServer
import AXPSimStore
import AXPSimTesting
import Foundation
import Testing

/// The scenario engine on the virtual clock: one test per step kind of either side, expectations
/// (match, timeout at its line, onTimeout), and runs that are state — they survive a restart of
/// the emulator on the same database file, resets and snapshot restores.
@Suite struct ScenarioEngineTests {
    static let account = TestTenant.retail.accountId

    /// An emulator whose scenarios folder holds `files` (name → YAML), on `databasePath`
    /// (in memory by default).
    func emulator(_ files: [String: String], databasePath: String = ":memory:", maxMessageLength: Int? = nil) throws -> (TestEmulator, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("axpsim-scenarios-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: folder.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8) }
        let sim = try TestEmulator {
            $0.scenariosPath = folder.path
            $0.databasePath = databasePath
            if let maxMessageLength { $0.maxMessageLength = maxMessageLength }
        }
        return (sim, folder)
    }

    /// Removes what a test left on disk (the scenarios folder, the database folder).
    func cleanUp(_ folder: URL, databasePath: String? = nil) {
        _ = try? FileManager.default.removeItem(at: folder)
        if let databasePath { _ = try? FileManager.default.removeItem(at: URL(fileURLWithPath: databasePath).deletingLastPathComponent()) }
    }

    func status(_ sim: TestEmulator, _ run: String) async throws -> String? {
        try await sim.control.scenarioRun(run)["status"]?.stringValue
    }

    /// The run's progress as `kind:status` lines.
    func progress(_ sim: TestEmulator, _ run: String) async throws -> [String] {
        try await steps(sim, run).map { "\($0["kind"]?.stringValue ?? "?"):\($0["status"]?.stringValue ?? "?")" }
    }

    func steps(_ sim: TestEmulator, _ run: String) async throws -> [[String: JSONValue]] {
        try await sim.control.scenarioRun(run)["steps"]?.arrayValue.map(\.objectValue) ?? []
    }

    /// A chat's messages as `TYPE: text`, oldest first.
    func transcript(_ sim: TestEmulator, _ engagementId: String) async throws -> [String] {
        let answer = try await sim.expect(200, "GET", "/__sim/engagements/\(engagementId)/messages").object()
        return (answer["messages"]?.arrayValue ?? []).map { message in
            let m = message.objectValue
            let text = m["body"]?.objectValue["elementText"]?.objectValue["text"]?.stringValue ?? ""
            return "\(m["participantType"]?.stringValue ?? "?"): \(text)"
        }
    }

    /// The account's journal: every event of every session, oldest first.
    func journal(_ sim: TestEmulator) async throws -> [[String: JSONValue]] {
        try await sim.control.journal(Self.account).events.map(\.objectValue)
    }

    /// A customer on the retail account with a session and a chat.
    func chatting(_ sim: TestEmulator, _ id: String) async throws -> (ChatCustomer, TestChat) {
        try await sim.control.freezeClock(Self.account)
        let customer = try await sim.customer(.retail, id: id)
        try await customer.startSession()
        return (customer, try await customer.startChat())
    }

    // MARK: The contact-center side, one step kind each

    @Test func stepsRunOnTheAccountClock() async throws {
        let (sim, folder) = try emulator([
            "greet": """
            name: greet
            steps:
              - queue: { position: 2, estimatedWaitSeconds: 40 }
              - after: 20s
              - agent.join: { name: Alice }
              - agent.say: "Hi, how can I help?"
              - expect.customer: { matches: "(?i)refund", within: 5m }
              - agent.typing: {}
              - after: 3s
              - agent.say: "Done."
              - chat.end: { reason: agent }
            """
        ])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (ann, chat) = try await chatting(sim, "scenario-ann")
        let run = try await sim.control.runScenario("greet", engagementId: chat.engagementId)
        #expect(try await sim.control.engagement(chat.engagementId)["status"]?.stringValue == "PENDING", "still queued: 20 s have not passed")
        try await sim.control.advance(Self.account, seconds: 20)
        #expect(try await sim.control.engagement(chat.engagementId)["status"]?.stringValue == "ACTIVE")
        try await ann.say("I want a refund", in: chat)
        try await sim.control.advance(Self.account, seconds: 3)
        #expect(try await status(sim, run) == "passed")
        let texts = try await ann.poll().filter { $0.type == "MESSAGE" }.compactMap {
            $0.text
        }
        #expect(texts == ["Hi, how can I help?", "I want a refund", "Done."])
        #expect(try await sim.control.engagement(chat.engagementId)["status"]?.stringValue == "TERMINATED")
    }

    @Test func queueSendsAQueuePosition() async throws {
        let (sim, folder) = try emulator(["q": "name: q\nsteps:\n  - queue: { position: 3, estimatedWaitSeconds: 30 }\n"])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (ann, chat) = try await chatting(sim, "queue-ann")
        let run = try await sim.control.runScenario("q", engagementId: chat.engagementId)
        #expect(try await status(sim, run) == "passed")
        let updates = try await journal(sim).filter { $0["eventType"]?.stringValue == "QUEUE_POSITION" && $0["sessionId"]?.stringValue == ann.sessionId }
        #expect(updates.count == 1)
        #expect(updates.first?["event"]?.objectValue["position"] == .int(3))
        #expect(updates.first?["event"]?.objectValue["estimatedWaitSeconds"] == .int(30))
        #expect(try await progress(sim, run) == ["queue:done"])
    }

    @Test func afterWaitsOnTheAccountClock() async throws {
        let (sim, folder) = try emulator(["wait": "name: wait\nsteps:\n  - after: 20s\n  - agent.join: { name: Late }\n"])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (_, chat) = try await chatting(sim, "after-ann")
        let run = try await sim.control.runScenario("wait", engagementId: chat.engagementId)
        #expect(try await progress(sim, run) == ["after:waiting"])
        try await sim.control.advance(Self.account, seconds: 19)
        #expect(try await status(sim, run) == "running")
        #expect(try await sim.control.engagement(chat.engagementId)["status"]?.stringValue == "PENDING")
        try await sim.control.advance(Self.account, seconds: 1)
        #expect(try await status(sim, run) == "passed")
        let joined = try await steps(sim, run).last
        #expect(joined?["kind"]?.stringValue == "agent.join")
        #expect(joined?["elapsedSeconds"] == .int(20), "\(String(describing: joined))")
    }

    @Test func agentJoinDefinesTheLabelLaterStepsUse() async throws {
        let (sim, folder) = try emulator([
            "two": """
            name: two
            steps:
              - agent.join: { name: Alice, as: first }
              - agent.join: { name: Bob }
              - agent.say: { text: "Alice here", agent: first }
              - agent.say: "Bob here"
            """
        ])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (_, chat) = try await chatting(sim, "join-ann")
        let run = try await sim.control.runScenario("two", engagementId: chat.engagementId)
        #expect(try await status(sim, run) == "passed")
        let engagement = try await sim.control.engagement(chat.engagementId)
        #expect(engagement["status"]?.stringValue == "ACTIVE")
        let agents = (engagement["allParticipants"]?.arrayValue ?? []).map(\.objectValue).filter { $0["participantType"]?.stringValue == "AGENT" }
        #expect(agents.compactMap { $0["displayName"]?.stringValue } == ["Alice", "Bob"])
        let messages = try await sim.expect(200, "GET", "/__sim/engagements/\(chat.engagementId)/messages").object()["messages"]?.arrayValue ?? []
        #expect(messages.compactMap { $0.objectValue["displayName"]?.stringValue } == ["Alice", "Bob"])
    }

    @Test func agentSaySendsAnAgentMessage() async throws {
        let (sim, folder) = try emulator(["say": "name: say\nsteps:\n  - agent.join: { name: Alice }\n  - agent.say: \"Hello there\"\n"])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (ann, chat) = try await chatting(sim, "say-ann")
        let run = try await sim.control.runScenario("say", engagementId: chat.engagementId)
        #expect(try await status(sim, run) == "passed")
        let messages = try await ann.poll().filter { $0.type == "MESSAGE" }
        #expect(messages.map(\.text) == ["Hello there"])
        #expect(messages.first?.participantType == "AGENT")
        #expect(try await progress(sim, run) == ["agent.join:done", "agent.say:done"])
    }

    @Test func agentTypingSendsTyping() async throws {
        let (sim, folder) = try emulator(["type": "name: type\nsteps:\n  - agent.join: { name: Alice }\n  - agent.typing: {}\n"])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (ann, chat) = try await chatting(sim, "typing-ann")
        let run = try await sim.control.runScenario("type", engagementId: chat.engagementId)
        #expect(try await status(sim, run) == "passed")
        let typing = try await journal(sim).filter { $0["eventType"]?.stringValue == "TYPING" && $0["sessionId"]?.stringValue == ann.sessionId }
        #expect(typing.count == 1)
    }

    @Test func agentLeaveDisconnectsTheAgentAndKeepsTheChat() async throws {
        let (sim, folder) = try emulator(["leave": "name: leave\nsteps:\n  - agent.join: { name: Alice }\n  - agent.leave: {}\n"])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (ann, chat) = try await chatting(sim, "leave-ann")
        let run = try await sim.control.runScenario("leave", engagementId: chat.engagementId)
        #expect(try await status(sim, run) == "passed")
        let gone = try await ann.poll().filter { $0.type == "PARTICIPANT_DISCONNECTED" }
        #expect(gone.map(\.participantName) == ["Alice"])
        #expect(try await sim.control.engagement(chat.engagementId)["status"]?.stringValue == "ACTIVE")
    }

    @Test func botSayJoinsTheBotOnceAndSpeaks() async throws {
        let (sim, folder) = try emulator([
            "bot": "name: bot\nsteps:\n  - bot.say: { text: \"Hi, I am a bot\", name: Helper }\n  - bot.say: \"Still me\"\n"
        ])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (ann, chat) = try await chatting(sim, "bot-ann")
        let run = try await sim.control.runScenario("bot", engagementId: chat.engagementId)
        #expect(try await status(sim, run) == "passed")
        let events = try await ann.poll()
        #expect(events.filter { $0.type == "PARTICIPANT_ADDED" && $0.participantType == "BOT" }.map(\.participantName) == ["Helper"])
        #expect(try await transcript(sim, chat.engagementId) == ["BOT: Hi, I am a bot", "BOT: Still me"])
        #expect(try await sim.control.engagement(chat.engagementId)["status"]?.stringValue == "PENDING", "a bot does not make the chat active")
    }

    @Test func expectCustomerMatchesInOrderIncludingAnEarlyMessage() async throws {
        let (sim, folder) = try emulator([
            "listen": """
            name: listen
            steps:
              - agent.join: { name: Alice }
              - expect.customer: { equals: "hello" }
              - expect.customer: { matches: "(?i)refund", within: 1m }
              - agent.say: "Refund on its way."
            """
        ])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (ann, chat) = try await chatting(sim, "expect-ann")
        try await ann.say("hello", in: chat)  // before the run starts: still counts
        let run = try await sim.control.runScenario("listen", engagementId: chat.engagementId)
        #expect(try await status(sim, run) == "running")
        try await ann.say("what about my order?", in: chat)
        #expect(try await status(sim, run) == "running", "not a match: consumed, still waiting")
        try await ann.say("I want a REFUND", in: chat)
        #expect(try await status(sim, run) == "passed")
        let matched = try await steps(sim, run).filter { $0["status"]?.stringValue == "matched" }
        #expect(matched.compactMap { $0["detail"]?.stringValue } == ["hello", "I want a REFUND"])
        #expect(try await transcript(sim, chat.engagementId).last == "AGENT: Refund on its way.")
        try await sim.control.advance(Self.account, seconds: 120)  // the deadline went with the match
        #expect(try await status(sim, run) == "passed")
    }

    @Test func aMissedExpectationFailsAtItsLineOrRunsOnTimeout() async throws {
        let (sim, folder) = try emulator([
            "strict": """
            name: strict
            steps:
              - agent.join: { name: Bo }
              - expect.customer: { equals: "yes", within: 1m }
            """,
            "lenient": """
            name: lenient
            steps:
              - agent.join: { name: Cy }
              - expect.customer:
                  equals: "yes"
                  within: 1m
                  onTimeout:
                    - agent.say: "Are you still there?"
            """,
        ])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        try await sim.control.freezeClock(Self.account)
        let ann = try await sim.customer(.retail, id: "quiet-ann")
        try await ann.startSession()
        let strictChat = try await ann.startChat()
        let lenientChat = try await ann.startChat()
        let strict = try await sim.control.runScenario("strict", engagementId: strictChat.engagementId)
        let lenient = try await sim.control.runScenario("lenient", engagementId: lenientChat.engagementId)
        try await sim.control.advance(Self.account, seconds: 61)
        let failed = try await sim.control.scenarioRun(strict)
        #expect(failed["status"]?.stringValue == "failed")
        #expect(failed["failure"]?.stringValue?.hasPrefix("line 4: expect") == true, "\(String(describing: failed["failure"]))")
        #expect(try await status(sim, lenient) == "passed")
        #expect(try await progress(sim, lenient) == ["agent.join:done", "expect:timedOut", "agent.say:done"])
        let nudges = try await ann.poll().filter {
            $0.engagementId == lenientChat.engagementId && $0.type == "MESSAGE"
        }
        #expect(nudges.count == 1)
    }

    @Test func anExpectationWithoutDeadlineEndsWithTheChat() async throws {
        let (sim, folder) = try emulator(["patient": "name: patient\nsteps:\n  - agent.join: { name: Alice }\n  - expect.customer: { equals: \"never\" }\n  - agent.say: \"unreached\"\n"])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (ann, chat) = try await chatting(sim, "patient-ann")
        let run = try await sim.control.runScenario("patient", engagementId: chat.engagementId)
        try await sim.control.advance(Self.account, seconds: 600)
        #expect(try await status(sim, run) == "running")
        try await ann.disconnect(chat)
        #expect(try await status(sim, run) == "passed")
        #expect(try await progress(sim, run) == ["agent.join:done", "expect:chatEnded"])
    }

    @Test func chatEndEndsTheChatWithItsReason() async throws {
        let (sim, folder) = try emulator(["end": "name: end\nsteps:\n  - agent.join: { name: Alice }\n  - chat.end: { reason: agent }\n"])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (ann, chat) = try await chatting(sim, "end-ann")
        let run = try await sim.control.runScenario("end", engagementId: chat.engagementId)
        #expect(try await status(sim, run) == "passed")
        let engagement = try await sim.control.engagement(chat.engagementId)
        #expect(engagement["status"]?.stringValue == "TERMINATED")
        #expect(engagement["endReason"]?.stringValue == "agent")
        #expect(try await journal(sim).contains { $0["eventType"]?.stringValue == "ENGAGEMENT_TERMINATED" && $0["sessionId"]?.stringValue == ann.sessionId })
    }

    @Test func tokenExpireExpiresTheFollowersTokens() async throws {
        let (sim, folder) = try emulator(["expire": "name: expire\nsteps:\n  - token.expire: {}\n"])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (ann, chat) = try await chatting(sim, "expire-ann")
        let run = try await sim.control.runScenario("expire", engagementId: chat.engagementId)
        #expect(try await status(sim, run) == "passed")
        #expect(try await journal(sim).contains { $0["eventType"]?.stringValue == "TOKEN_EXPIRED" && $0["sessionId"]?.stringValue == ann.sessionId })
        let answer = try await ann.call("GET", "/engagements/\(chat.engagementId)")
        #expect(answer.status == 401)
        #expect(answer.problemCode == "token_expired")
    }

    @Test func tokenRevokeRevokesTheFollowersTokens() async throws {
        let (sim, folder) = try emulator(["revoke": "name: revoke\nsteps:\n  - token.revoke: {}\n"])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (ann, chat) = try await chatting(sim, "revoke-ann")
        let run = try await sim.control.runScenario("revoke", engagementId: chat.engagementId)
        #expect(try await status(sim, run) == "passed")
        let answer = try await ann.call("GET", "/engagements/\(chat.engagementId)")
        #expect(answer.status == 401)
        #expect(answer.problemCode == "token_revoked")
    }

    @Test func socketDropDropsConnectionsAndTheChatGoesOn() async throws {
        let (sim, folder) = try emulator(["drop": "name: drop\nsteps:\n  - socket.drop: {}\n  - agent.join: { name: Alice }\n"])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (ann, chat) = try await chatting(sim, "drop-ann")
        let run = try await sim.control.runScenario("drop", engagementId: chat.engagementId)
        #expect(try await status(sim, run) == "passed")
        #expect(try await progress(sim, run) == ["socket.drop:done", "agent.join:done"])
        #expect(try await ann.poll().contains { $0.type == "PARTICIPANT_ADDED" && $0.participantName == "Alice" }, "the session itself lives on")
    }

    @Test func sessionCloseClosesTheFollowingSessions() async throws {
        let (sim, folder) = try emulator(["close": "name: close\nsteps:\n  - session.close: {}\n"])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (ann, chat) = try await chatting(sim, "close-ann")
        let run = try await sim.control.runScenario("close", engagementId: chat.engagementId)
        #expect(try await status(sim, run) == "passed")
        let sessions = try await sim.expect(200, "GET", "/__sim/accounts/\(Self.account)/sessions", query: ["customerId": "close-ann"]).object()
        let session = sessions["sessions"]?.arrayValue.first?.objectValue
        #expect(session?["state"]?.stringValue == "closed")
        #expect(session?["closeReason"]?.stringValue == "SYSTEM_CLOSED")
        #expect(try await journal(sim).contains { $0["eventType"]?.stringValue == "SESSION_CLOSED" && $0["sessionId"]?.stringValue == ann.sessionId })
    }

    @Test func faultInstallsAFaultRule() async throws {
        let (sim, folder) = try emulator([
            "flaky": """
            name: flaky
            steps:
              - fault: { match: { method: POST, path: "/sdk/*/messages" }, action: { status: 503 }, count: 1 }
            """
        ])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (ann, chat) = try await chatting(sim, "fault-ann")
        let run = try await sim.control.runScenario("flaky", engagementId: chat.engagementId)
        #expect(try await status(sim, run) == "passed")
        let rules = try await sim.expect(200, "GET", "/__sim/faults").object()["rules"]?.arrayValue ?? []
        #expect(rules.count == 1)
        let body: JSONValue = .object([
            "sessionId": .string(ann.sessionId), "dialogId": .string(chat.dialogId),
            "body": .object(["elementType": .string("TEXT"), "elementText": .object(["text": .string("hi"), "textFormat": .string("PLAINTEXT")])]),
        ])
        #expect(try await ann.call("POST", "/engagements/\(chat.engagementId)/messages", json: body).status == 503)
        #expect(try await ann.call("POST", "/engagements/\(chat.engagementId)/messages", json: body).status == 201, "count: 1")
    }

    @Test func aFailingStepLeavesNothingOfItselfBehind() async throws {
        // bot.say joins the bot, then sends: a text over the limit fails the send, and the join
        // goes with it (one transaction), while the run fails at the step's line.
        let (sim, folder) = try emulator(
            ["long": "name: long\nsteps:\n  - agent.join: { name: Alice }\n  - bot.say: \"far too long a text\"\n"], maxMessageLength: 8)
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (_, chat) = try await chatting(sim, "long-ann")
        let run = try await sim.control.runScenario("long", engagementId: chat.engagementId)
        let answer = try await sim.control.scenarioRun(run)
        #expect(answer["status"]?.stringValue == "failed")
        #expect(answer["failure"]?.stringValue?.hasPrefix("line 4: bot.say:") == true, "\(String(describing: answer["failure"]))")
        let participants = try await sim.control.engagement(chat.engagementId)["allParticipants"]?.arrayValue ?? []
        #expect(participants.map { $0.objectValue["participantType"]?.stringValue } == ["CUSTOMER", "AGENT"], "no bot")
    }

    // MARK: The customer side (headless), one step kind each

    @Test func chatStartOpensASessionAndAChatAndStartsTheAgentSide() async throws {
        let (sim, folder) = try emulator([
            "start": """
            name: start
            integration: support
            steps:
              - agent.join: { name: Alice }
            customer:
              - chat.start: { parameters: { topic: refund } }
            """
        ])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        try await sim.control.freezeClock(Self.account)
        let run = try await sim.control.runHeadless("start")
        let customer = try await sim.control.scenarioRun(run)
        #expect(customer["status"]?.stringValue == "passed")
        #expect(customer["role"]?.stringValue == "customer")
        guard let engagementId = customer["engagementId"]?.stringValue, let child = customer["childRunId"]?.stringValue else {
            Issue.record("no chat or agent side: \(customer)")
            return
        }
        let agent = try await sim.control.scenarioRun(child)
        #expect(agent["role"]?.stringValue == "agent")
        #expect(agent["engagementId"]?.stringValue == engagementId)
        #expect(agent["status"]?.stringValue == "passed")
        let engagement = try await sim.control.engagement(engagementId)
        #expect(engagement["engagementParameters"]?.objectValue["topic"]?.stringValue == "refund")
        #expect(engagement["status"]?.stringValue == "ACTIVE")
        #expect(try await sim.control.scenarioRuns().count == 2, "one agent side: the chat's observers did not start another")
    }

    @Test func joinAddsASecondDevice() async throws {
        let (sim, folder) = try emulator([
            "devices": """
            name: devices
            integration: support
            steps:
              - agent.join: { name: Alice }
            customer:
              - chat.start: { device: laptop }
              - join: { device: phone }
              - say: { text: "from the phone", device: phone }
            """
        ])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        try await sim.control.freezeClock(Self.account)
        let run = try await sim.control.runHeadless("devices")
        let customer = try await sim.control.scenarioRun(run)
        #expect(customer["status"]?.stringValue == "passed")
        let engagementId = customer["engagementId"]?.stringValue ?? ""
        let engagement = try await sim.control.engagement(engagementId)
        #expect(engagement["followers"]?.arrayValue.count == 2)
        let customers = (engagement["allParticipants"]?.arrayValue ?? []).filter { $0.objectValue["participantType"]?.stringValue == "CUSTOMER" }
        #expect(customers.count == 2)
        #expect(try await transcript(sim, engagementId) == ["CUSTOMER: from the phone"])
    }

    @Test func sayAndExpectAgentTalkToTheAgentSide() async throws {
        let (sim, folder) = try emulator([
            "talk": """
            name: talk
            integration: support
            steps:
              - agent.join: { name: Alice }
              - expect.customer: { equals: "hi" }
              - agent.say: "hello"
            customer:
              - chat.start: {}
              - say: "hi"
              - expect.agent: { equals: "hello", within: 1m }
            """
        ])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        try await sim.control.freezeClock(Self.account)
        let run = try await sim.control.runHeadless("talk")
        let customer = try await sim.control.scenarioRun(run)
        #expect(customer["status"]?.stringValue == "passed")
        #expect(try await progress(sim, run) == ["chat.start:done", "say:done", "expect:matched"])
        #expect(try await status(sim, customer["childRunId"]?.stringValue ?? "") == "passed")
        #expect(try await transcript(sim, customer["engagementId"]?.stringValue ?? "") == ["CUSTOMER: hi", "AGENT: hello"])
    }

    @Test func expectAgentFailsWhenTheChatEndsFirst() async throws {
        let (sim, folder) = try emulator([
            "hangup": """
            name: hangup
            integration: support
            steps:
              - agent.join: { name: Alice }
              - chat.end: {}
            customer:
              - chat.start: {}
              - expect.agent: { equals: "anything" }
            """
        ])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        try await sim.control.freezeClock(Self.account)
        let run = try await sim.control.runHeadless("hangup")
        let customer = try await sim.control.scenarioRun(run)
        #expect(customer["status"]?.stringValue == "failed")
        #expect(customer["failure"]?.stringValue?.hasPrefix("line 8: expect.agent: the chat ended") == true, "\(String(describing: customer["failure"]))")
    }

    @Test func customerAfterWaitsOnTheAccountClock() async throws {
        let (sim, folder) = try emulator([
            "slow": """
            name: slow
            integration: support
            steps:
              - agent.join: { name: Alice }
            customer:
              - chat.start: {}
              - after: 30s
              - say: "sorry, I was away"
            """
        ])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        try await sim.control.freezeClock(Self.account)
        let run = try await sim.control.runHeadless("slow")
        let engagementId = try await sim.control.scenarioRun(run)["engagementId"]?.stringValue ?? ""
        try await sim.control.advance(Self.account, seconds: 29)
        #expect(try await transcript(sim, engagementId).isEmpty)
        try await sim.control.advance(Self.account, seconds: 1)
        #expect(try await transcript(sim, engagementId) == ["CUSTOMER: sorry, I was away"])
        #expect(try await status(sim, run) == "passed")
    }

    @Test func tokenRefreshGivesTheSessionANewToken() async throws {
        let (sim, folder) = try emulator([
            "refresh": """
            name: refresh
            integration: support
            steps:
              - agent.join: { name: Alice }
            customer:
              - chat.start: {}
              - after: 1m
              - token.refresh: {}
            """
        ])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        try await sim.control.freezeClock(Self.account)
        let run = try await sim.control.runHeadless("refresh")
        func session() async throws -> [String: JSONValue] {
            let answer = try await sim.expect(200, "GET", "/__sim/accounts/\(Self.account)/sessions", query: ["state": "active"]).object()
            return answer["sessions"]?.arrayValue.first?.objectValue ?? [:]
        }
        let before = try await session()
        try await sim.control.advance(Self.account, seconds: 60)
        #expect(try await status(sim, run) == "passed")
        let after = try await session()
        #expect(after["sessionId"] == before["sessionId"])
        #expect(after["tokenJti"] != before["tokenJti"])
        let expiries = [before, after].compactMap { $0["tokenExpiresAt"]?.stringValue.flatMap(Timestamp.parse) }
        #expect(expiries.count == 2 && expiries[1].timeIntervalSince(expiries[0]) == 60)
    }

    @Test func reconnectChecksTheSessionLogHasNoGap() async throws {
        let (sim, folder) = try emulator([
            "resume": """
            name: resume
            integration: support
            steps:
              - agent.join: { name: Alice }
            customer:
              - chat.start: {}
              - reconnect: {}
            """
        ])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        try await sim.control.freezeClock(Self.account)
        let run = try await sim.control.runHeadless("resume")
        #expect(try await status(sim, run) == "passed")
        let reconnect = try await steps(sim, run).last
        #expect(reconnect?["kind"]?.stringValue == "reconnect")
        #expect(reconnect?["detail"]?.stringValue?.hasPrefix("resumed after event ") == true)
    }

    @Test func disconnectEndsTheChatAndTheWaitingAgentSidePasses() async throws {
        let (sim, folder) = try emulator([
            "bye": """
            name: bye
            integration: support
            steps:
              - agent.join: { name: Alice }
              - agent.say: "hi"
              - expect.customer: { equals: "never said" }
            customer:
              - chat.start: {}
              - expect.agent: { equals: "hi" }
              - disconnect: {}
            """
        ])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        try await sim.control.freezeClock(Self.account)
        let run = try await sim.control.runHeadless("bye")
        let customer = try await sim.control.scenarioRun(run)
        #expect(customer["status"]?.stringValue == "passed")
        let engagement = try await sim.control.engagement(customer["engagementId"]?.stringValue ?? "")
        #expect(engagement["status"]?.stringValue == "TERMINATED")
        #expect(engagement["endReason"]?.stringValue == "USER_CLOSED")
        let child = customer["childRunId"]?.stringValue ?? ""
        #expect(try await status(sim, child) == "passed")
        #expect(try await progress(sim, child).last == "expect:chatEnded")
    }

    // MARK: Runs are state

    static let waiting = """
        name: waiting
        steps:
          - agent.join: { name: Alice }
          - agent.say: "One moment, please."
          - after: 20s
          - agent.say: "Thanks for waiting."
          - chat.end: {}
        """

    @Test func aRunWaitingOnAfterResumesAfterARestart() async throws {
        let path = TestEmulator.temporaryDatabasePath()
        var (sim, folder) = try emulator(["waiting": Self.waiting], databasePath: path)
        defer {
            sim.stop()
            cleanUp(folder, databasePath: path)
        }
        let (_, chat) = try await chatting(sim, "restart-ann")
        let run = try await sim.control.runScenario("waiting", engagementId: chat.engagementId)
        let before = try await steps(sim, run)
        #expect(try await progress(sim, run) == ["agent.join:done", "agent.say:done", "after:waiting"])

        sim = try sim.restarted()
        #expect(try await status(sim, run) == "running", "the run is known again, still waiting")
        #expect(try await steps(sim, run) == before)
        #expect(try await transcript(sim, chat.engagementId) == ["AGENT: One moment, please."], "nothing was repeated")
        try await sim.control.advance(Self.account, seconds: 19)
        #expect(try await status(sim, run) == "running")
        try await sim.control.advance(Self.account, seconds: 1)
        let finished = try await sim.control.scenarioRun(run)
        #expect(finished["status"]?.stringValue == "passed")
        #expect(finished["runId"]?.stringValue == run)
        let after = try await steps(sim, run)
        #expect(Array(after.prefix(before.count)) == before, "the earlier progress is kept")
        #expect(try await progress(sim, run) == ["agent.join:done", "agent.say:done", "after:waiting", "agent.say:done", "chat.end:done"])
        #expect(try await transcript(sim, chat.engagementId) == ["AGENT: One moment, please.", "AGENT: Thanks for waiting."])
    }

    static let listening = """
        name: listening
        steps:
          - agent.join: { name: Alice }
          - agent.say: "How can I help?"
          - expect.customer: { matches: "(?i)refund", within: 5m }
          - agent.say: "Refunded."
          - chat.end: {}
        """

    @Test func aRunWaitingOnACustomerMessageResumesAfterARestart() async throws {
        let path = TestEmulator.temporaryDatabasePath()
        var (sim, folder) = try emulator(["listening": Self.listening], databasePath: path)
        defer {
            sim.stop()
            cleanUp(folder, databasePath: path)
        }
        var (ann, chat) = try await chatting(sim, "listening-ann")
        let run = try await sim.control.runScenario("listening", engagementId: chat.engagementId)
        try await sim.control.advance(Self.account, seconds: 60)
        let before = try await steps(sim, run)

        sim = try sim.restarted()
        ann = ann.reconnected(to: sim)
        #expect(try await status(sim, run) == "running")
        try await ann.say("I want a refund", in: chat)
        let finished = try await sim.control.scenarioRun(run)
        #expect(finished["status"]?.stringValue == "passed")
        let after = try await steps(sim, run)
        #expect(Array(after.prefix(before.count)) == before)
        #expect(try await progress(sim, run) == ["agent.join:done", "agent.say:done", "expect:matched", "agent.say:done", "chat.end:done"])
        #expect(try await transcript(sim, chat.engagementId) == ["AGENT: How can I help?", "CUSTOMER: I want a refund", "AGENT: Refunded."])
        try await sim.control.advance(Self.account, seconds: 600)
        #expect(try await status(sim, run) == "passed", "the deadline timer went with the match")
    }

    @Test func theDeadlineOfAnExpectationSurvivesARestart() async throws {
        let path = TestEmulator.temporaryDatabasePath()
        var (sim, folder) = try emulator(["listening": Self.listening], databasePath: path)
        defer {
            sim.stop()
            cleanUp(folder, databasePath: path)
        }
        let (_, chat) = try await chatting(sim, "deadline-ann")
        let run = try await sim.control.runScenario("listening", engagementId: chat.engagementId)
        sim = try sim.restarted()
        try await sim.control.advance(Self.account, seconds: 300)
        let failed = try await sim.control.scenarioRun(run)
        #expect(failed["status"]?.stringValue == "failed")
        #expect(failed["failure"]?.stringValue?.hasPrefix("line 5: expect") == true, "\(String(describing: failed["failure"]))")
    }

    @Test func aMessageStoredBeforeTheCrashAndNotYetConsumedMatchesOnStart() async throws {
        let path = TestEmulator.temporaryDatabasePath()
        var (sim, folder) = try emulator(["listening": Self.listening], databasePath: path)
        defer {
            sim.stop()
            cleanUp(folder, databasePath: path)
        }
        let (_, chat) = try await chatting(sim, "crash-ann")
        let run = try await sim.control.runScenario("listening", engagementId: chat.engagementId)
        sim.stop()
        // The customer's message committed, then the process died before the run consumed it.
        let store = try Store(path: path)
        try store.chatWrite { tx in
            guard let engagement = try tx.engagement(chat.engagementId),
                let customer = try tx.participants(chat.engagementId).first(where: { $0.participantType == .customer })
            else { throw AXPSimError.notFound(resource: "engagement", id: chat.engagementId) }
            _ = try tx.appendMessage(
                ChatMessage(
                    messageId: UUID().uuidString.lowercased(), engagementId: chat.engagementId, dialogId: engagement.dialogId, messageIndex: 0,
                    parentMessageId: nil, participantId: customer.participantId, participantType: .customer, displayName: customer.displayName,
                    body: ChatMessage.textBody("a refund, please"), receivedAt: engagement.updatedAt, senderSessionId: customer.sessionId),
                accountId: Self.account)
        }
        sim = try sim.restarted()
        #expect(try await status(sim, run) == "passed", "the start-up kick found the message")
        #expect(try await transcript(sim, chat.engagementId) == ["AGENT: How can I help?", "CUSTOMER: a refund, please", "AGENT: Refunded."])
    }

    @Test func aHeadlessRunResumesWithItsDevicesAfterARestart() async throws {
        let path = TestEmulator.temporaryDatabasePath()
        var (sim, folder) = try emulator(
            [
                "away": """
                name: away
                integration: support
                steps:
                  - agent.join: { name: Alice }
                  - expect.customer: { equals: "back again", within: 5m }
                  - agent.say: "welcome back"
                customer:
                  - chat.start: {}
                  - after: 2m
                  - say: "back again"
                  - expect.agent: { equals: "welcome back", within: 1m }
                  - disconnect: {}
                """
            ], databasePath: path)
        defer {
            sim.stop()
            cleanUp(folder, databasePath: path)
        }
        try await sim.control.freezeClock(Self.account)
        let run = try await sim.control.runHeadless("away")
        let child = try await sim.control.scenarioRun(run)["childRunId"]?.stringValue ?? ""
        sim = try sim.restarted()
        #expect(try await sim.control.scenarioRuns().compactMap { $0["runId"]?.stringValue }.sorted() == [run, child].sorted())
        try await sim.control.advance(Self.account, seconds: 120)
        let customer = try await sim.control.scenarioRun(run)
        #expect(customer["status"]?.stringValue == "passed", "\(String(describing: customer["failure"]))")
        #expect(try await status(sim, child) == "passed")
        #expect(try await transcript(sim, customer["engagementId"]?.stringValue ?? "") == ["CUSTOMER: back again", "AGENT: welcome back"])
    }

    @Test func finishedRunsStayInspectableAfterARestart() async throws {
        let path = TestEmulator.temporaryDatabasePath()
        var (sim, folder) = try emulator(["waiting": Self.waiting], databasePath: path)
        defer {
            sim.stop()
            cleanUp(folder, databasePath: path)
        }
        try await sim.control.freezeClock(Self.account)
        let ann = try await sim.customer(.retail, id: "finished-ann")
        try await ann.startSession()
        let first = try await ann.startChat()
        let second = try await ann.startChat()
        let passed = try await sim.control.runScenario("waiting", engagementId: first.engagementId)
        let cancelled = try await sim.control.runScenario("waiting", engagementId: second.engagementId)
        try await sim.expect(200, "POST", "/__sim/scenario-runs/\(cancelled)/cancel")
        try await sim.control.advance(Self.account, seconds: 20)
        func byId(_ runs: [[String: JSONValue]]) -> [String: [String: JSONValue]] {
            Dictionary(uniqueKeysWithValues: runs.map { ($0["runId"]?.stringValue ?? "", $0) })
        }
        let before = byId(try await sim.control.scenarioRuns())
        #expect(before[passed]?["status"]?.stringValue == "passed")
        #expect(before[cancelled]?["status"]?.stringValue == "cancelled")
        sim = try sim.restarted()
        #expect(byId(try await sim.control.scenarioRuns()) == before)
        #expect(try await status(sim, passed) == "passed")
        try await sim.control.advance(Self.account, seconds: 60)
        #expect(try await transcript(sim, second.engagementId) == ["AGENT: One moment, please."], "a cancelled run stays cancelled")
    }

    @Test func retentionKeepsTheMostRecentFinishedRunsStoredAndListed() async throws {
        let path = TestEmulator.temporaryDatabasePath()
        var (sim, folder) = try emulator(
            ["q": "name: q\nsteps:\n  - queue: 1\n", "patient": "name: patient\nsteps:\n  - expect.customer: { equals: \"never\" }\n"],
            databasePath: path)
        defer {
            sim.stop()
            cleanUp(folder, databasePath: path)
        }
        let (_, chat) = try await chatting(sim, "retention-ann")
        let running = try await sim.control.runScenario("patient", engagementId: chat.engagementId)
        var finished: [String] = []
        for _ in 0...RetentionService.runsKept {
            finished.append(try await sim.control.runScenario("q", engagementId: chat.engagementId))
            try await sim.control.advance(Self.account, seconds: 1)  // one finish per second
        }
        try await sim.expect(200, "POST", "/__sim/prune")
        #expect(try await sim.send("GET", "/__sim/scenario-runs/\(finished[0])").status == 404, "the oldest finished run went")
        #expect(try await status(sim, finished[1]) == "passed")
        sim = try sim.restarted()
        let listed = try await sim.control.scenarioRuns().compactMap { $0["runId"]?.stringValue }
        #expect(Set(listed) == Set(finished.dropFirst() + [running]), "rows and memory agree")
    }

    @Test func resetsDropStoredRunsWithTheirAccounts() async throws {
        let path = TestEmulator.temporaryDatabasePath()
        var (sim, folder) = try emulator(["waiting": Self.waiting], databasePath: path)
        defer {
            sim.stop()
            cleanUp(folder, databasePath: path)
        }
        let (_, chat) = try await chatting(sim, "reset-ann")
        let run = try await sim.control.runScenario("waiting", engagementId: chat.engagementId)
        try await sim.expect(200, "POST", "/__sim/accounts/\(Self.account)/reset")
        #expect(try await sim.send("GET", "/__sim/scenario-runs/\(run)").status == 404)
        let (_, other) = try await chatting(sim, "reset-bob")
        let kept = try await sim.control.runScenario("waiting", engagementId: other.engagementId)
        try await sim.control.reset()
        #expect(try await sim.control.scenarioRuns().isEmpty)
        sim = try sim.restarted()
        #expect(try await sim.send("GET", "/__sim/scenario-runs/\(kept)").status == 404, "the rows are gone too")
    }

    @Test func aSnapshotRestoreBringsRunsBackAsTheyWere() async throws {
        let (sim, folder) = try emulator(["waiting": Self.waiting])
        defer {
            sim.stop()
            cleanUp(folder)
        }
        let (_, chat) = try await chatting(sim, "snapshot-ann")
        let run = try await sim.control.runScenario("waiting", engagementId: chat.engagementId)
        let waiting = try await sim.control.scenarioRun(run)
        try await sim.expect(201, "POST", "/__sim/snapshots", json: .object(["name": .string("waiting")]))
        try await sim.control.advance(Self.account, seconds: 20)
        #expect(try await status(sim, run) == "passed")
        try await sim.expect(200, "POST", "/__sim/snapshots/waiting/restore")
        #expect(try await sim.control.scenarioRun(run) == waiting, "the run as the snapshot holds it")
        #expect(try await transcript(sim, chat.engagementId) == ["AGENT: One moment, please."])
        try await sim.control.advance(Self.account, seconds: 20)
        #expect(try await status(sim, run) == "passed", "its timer came back with it")
        #expect(try await transcript(sim, chat.engagementId) == ["AGENT: One moment, please.", "AGENT: Thanks for waiting."])
    }
}

extension JSONValue {
    /// The array's items, or empty.
    fileprivate var arrayValue: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }
}
