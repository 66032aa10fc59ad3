import AXPSimChat
import AXPSimCore
import AXPSimServer
import AXPSimTesting
import Foundation
import Testing

/// The scenario engine on the virtual clock: steps, expectations, onTimeout and failures.
@Suite struct ScenarioEngineTests {
    /// An emulator whose scenarios folder holds `files` (name → YAML).
    func emulator(_ files: [String: String]) throws -> (TestEmulator, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("axpsim-scenarios-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: folder.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8) }
        return (try TestEmulator { $0.scenariosPath = folder.path }, folder)
    }

    func status(_ sim: TestEmulator, _ run: String) async throws -> String? {
        try await sim.control.scenarioRun(run)["status"]?.stringValue
    }

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
            _ = try? FileManager.default.removeItem(at: folder)
        }
        try await sim.control.freezeClock(TestTenant.retail.accountId)
        let ann = try await sim.customer(.retail, id: "scenario-ann")
        try await ann.startSession()
        let chat = try await ann.startChat()
        let run = try await sim.control.runScenario("greet", engagementId: chat.engagementId)
        #expect(try await sim.control.engagement(chat.engagementId)["status"]?.stringValue == "PENDING", "still queued: 20 s have not passed")
        try await sim.control.advance(TestTenant.retail.accountId, seconds: 20)
        #expect(try await sim.control.engagement(chat.engagementId)["status"]?.stringValue == "ACTIVE")
        try await ann.say("I want a refund", in: chat)
        try await sim.control.advance(TestTenant.retail.accountId, seconds: 3)
        #expect(try await status(sim, run) == "passed")
        let texts = try await ann.poll().filter { $0.type == "MESSAGE" }.compactMap {
            $0.text
        }
        #expect(texts == ["Hi, how can I help?", "I want a refund", "Done."])
        #expect(try await sim.control.engagement(chat.engagementId)["status"]?.stringValue == "TERMINATED")
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
            _ = try? FileManager.default.removeItem(at: folder)
        }
        try await sim.control.freezeClock(TestTenant.retail.accountId)
        let ann = try await sim.customer(.retail, id: "quiet-ann")
        try await ann.startSession()
        let strictChat = try await ann.startChat()
        let lenientChat = try await ann.startChat()
        let strict = try await sim.control.runScenario("strict", engagementId: strictChat.engagementId)
        let lenient = try await sim.control.runScenario("lenient", engagementId: lenientChat.engagementId)
        try await sim.control.advance(TestTenant.retail.accountId, seconds: 61)
        let failed = try await sim.control.scenarioRun(strict)
        #expect(failed["status"]?.stringValue == "failed")
        #expect(failed["failure"]?.stringValue?.hasPrefix("line 4: expect") == true, "\(String(describing: failed["failure"]))")
        #expect(try await status(sim, lenient) == "passed")
        let nudges = try await ann.poll().filter {
            $0.engagementId == lenientChat.engagementId && $0.type == "MESSAGE"
        }
        #expect(nudges.count == 1)
    }
}
