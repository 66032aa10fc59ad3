import AXPSimFixtures
import AXPSimFuzzTargets
import AXPSimScenario
import Foundation
import Testing

/// Inputs that hung, crashed or broke an invariant of a reader, each kept as a named test once fixed
/// (the files under `Tests/Fuzz/regressions/` also run through ``FuzzCorpusTests``).
@Suite struct FuzzRegressionTests {
    /// A scenario whose steps name the previous anchor twice: 2 KB of YAML that stands for 2^25
    /// `onTimeout` steps. The reader and checker walked every one (a hang); now the YAML reader
    /// refuses documents that expand beyond `YAMLReader.maximumExpandedNodes`.
    @Test func scenarioBillionLaughsIsRefusedQuickly() {
        var lines = ["name: laughs", "steps:", "  - &s0 {expect.customer: {equals: x, within: 1s}}"]
        for level in 1...40 {
            lines.append("  - &s\(level) {expect.customer: {equals: x, within: 1s, onTimeout: [*s\(level - 1), *s\(level - 1)]}}")
        }
        let started = ContinuousClock.now
        let (scenario, diagnostics) = ScenarioParser.parse(lines.joined(separator: "\n"), file: "laughs.yaml")
        #expect(scenario == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("aliases") == true)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    /// Fixture files go through the same YAML reader, so the limit holds there too.
    @Test func fixtureBillionLaughsIsRefused() {
        var lines = ["x0: &a0 [k]"]
        for level in 1...30 { lines.append("x\(level): &a\(level) [*a\(level - 1), *a\(level - 1)]") }
        lines.append("accounts: [{accountId: ABCDEF, appKeys: *a30}]")
        var seen = FixtureLoader.Seen()
        let (accounts, diagnostics) = FixtureLoader.parse(lines.joined(separator: "\n"), file: "f.yaml", seen: &seen)
        #expect(accounts.isEmpty)
        #expect(diagnostics.map(\.message).contains { $0.contains("aliases") })
    }

    /// YAML 1.1 base-60 integers: Yams multiplies their parts with trapping arithmetic, so twelve parts
    /// overflowed and stopped the process (in any integer field of a fixture or a scenario). Now they are
    /// refused as "must be an integer".
    @Test(arguments: ["1:1:1:1:1:1:1:1:1:1:1:1", "1:30", "-59:59:59:59:59:59:59:59:59:59:59"])
    func baseSixtyIntegersAreRefusedNotTrapped(number: String) {
        var seen = FixtureLoader.Seen()
        let fixture = """
            accounts:
              - accountId: ABCDEF
                integrations:
                  - {integrationId: 6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01, name: support, defaultTtlMinutes: \(number)}
            """
        let (_, diagnostics) = FixtureLoader.parse(fixture, file: "f.yaml", seen: &seen)
        #expect(diagnostics.map(\.message) == ["defaultTtlMinutes must be an integer"])
        let (scenario, problems) = ScenarioParser.parse("name: s\nsteps:\n  - queue: \(number)\n", file: "s.yaml")
        #expect(scenario == nil)
        #expect(problems.map(\.message) == ["queue position must be an integer"])
    }

    /// Aliases that stay small are still fine (anchors are a normal YAML feature).
    @Test func smallAliasesStillRead() {
        let text = """
            name: aliases
            steps:
              - &hello {agent.join: {name: Alice}}
              - agent.say: &text "Hi"
              - agent.say: *text
            customer:
              - chat.start: {}
              - say: *text
            """
        let (scenario, diagnostics) = ScenarioParser.parse(text, file: "aliases.yaml")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(scenario?.steps.count == 3)
        #expect(ScenarioFuzzTarget.run(Data(text.utf8)).isAccepted)
    }
}
