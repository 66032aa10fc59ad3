import AXPSimCore
import AXPSimFixtures
import AXPSimScenario
import Foundation
import Testing

/// Every scenario of `scenarios/`, parsed (fails the test on a mistake).
func referenceScenarios() throws -> [(file: String, scenario: Scenario)] {
    let folder = repositoryRoot.appendingPathComponent("scenarios").path
    return try FixtureLoader.files(in: folder).map { file in
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let (scenario, found) = ScenarioParser.parse(text, file: file)
        #expect(found.isEmpty, "\(found.text)")
        return (file, try #require(scenario))
    }
}

@Suite struct ReferenceScenariosTests {
    @Test func theReferenceScenariosAreValidAndComplete() throws {
        let all = try referenceScenarios()
        let names = all.map(\.scenario.name)
        for required in [
            "happy-path", "long-queue", "agent-transfer", "customer-idle-timeout", "token-expiry-refresh", "socket-drop-resume", "two-devices",
            "bot-handoff", "triage-french", "triage-gold", "triage-general", "lost-card-bot",
        ] {
            #expect(names.contains(required), "missing \(required)")
        }
        #expect(Set(names).count == names.count)
        for (file, scenario) in all {
            #expect(URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent == scenario.name)
            #expect(!(scenario.description ?? "").isEmpty, "\(file) has no description")
            #expect(["support", "triage", "cards"].contains(scenario.integration), "\(file): an integration of the bundled fixtures")
            #expect(scenario.customer?.first.map { $0.step.kind == "chat.start" } == true, "\(file) cannot run headless")
        }
    }

    @Test func togetherTheyUseEveryStepKind() throws {
        var kinds: Set<String> = []
        var customerKinds: Set<String> = []
        func collect(_ steps: [ScenarioStepEntry]) {
            for entry in steps {
                kinds.insert(entry.step.kind)
                if case .expectCustomer(_, _, let onTimeout?) = entry.step { collect(onTimeout) }
            }
        }
        for (_, scenario) in try referenceScenarios() {
            collect(scenario.steps)
            customerKinds.formUnion((scenario.customer ?? []).map(\.step.kind))
        }
        #expect(kinds == Set(ScenarioStep.kinds))
        #expect(customerKinds == Set(CustomerStep.kinds))
    }

    @Test func eachShowsWhatItsNameSays() throws {
        let scenarios = Dictionary(uniqueKeysWithValues: try referenceScenarios().map { ($0.scenario.name, $0.scenario) })
        func kinds(_ name: String) -> [String] { scenarios[name]?.steps.map(\.step.kind) ?? [] }
        func customerKinds(_ name: String) -> [String] { scenarios[name]?.customer?.map(\.step.kind) ?? [] }

        let longQueue = try #require(scenarios["long-queue"])
        #expect(kinds("long-queue").filter { $0 == "queue" }.count >= 4 && longQueue.totalDelaySeconds >= 600)
        let transfer = kinds("agent-transfer")
        let leave = try #require(transfer.firstIndex(of: "agent.leave"))
        #expect(transfer[..<leave].contains("agent.join") && transfer[leave...].contains("agent.join"))
        let idle = try #require(scenarios["customer-idle-timeout"])
        #expect(idle.steps.contains { if case .expectCustomer(_, _, .some) = $0.step { true } else { false } })
        #expect(ScenarioWriter.yaml(idle).contains("USER_INACTIVE"))
        #expect(!customerKinds("customer-idle-timeout").contains("say"))
        #expect(kinds("token-expiry-refresh").contains("token.expire") && customerKinds("token-expiry-refresh").contains("token.refresh"))
        #expect(kinds("socket-drop-resume").contains("socket.drop") && customerKinds("socket-drop-resume").contains("reconnect"))
        #expect(scenarios["two-devices"]?.devices.count == 2 && customerKinds("two-devices").contains("join"))
        let bot = kinds("bot-handoff")
        #expect(bot.firstIndex(of: "bot.say")! < bot.firstIndex(of: "agent.join")!)
    }

    @Test func theyAttachToIntegrationsOfTheFixtures() throws {
        let accounts = try FixtureLoader.load(directory: repositoryRoot.appendingPathComponent("fixtures").path)
        let known = Set(accounts.flatMap(\.integrations).map(\.name))
        for (file, _) in try referenceScenarios() {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(ScenarioParser.parse(text, file: file, knownIntegrations: known).1.isEmpty)
            #expect(ScenarioParser.looksLikeScenario(text))
        }
    }
}
