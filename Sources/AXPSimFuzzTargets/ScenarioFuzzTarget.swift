import AXPSimFixtures
import AXPSimScenario
import Foundation

/// Fuzz target for the scenario YAML reader and checker: the input is one scenario file's bytes.
/// A scenario that reads without mistakes must also survive the writer: `ScenarioWriter` output (what
/// the recorder saves) must read back, without mistakes, to an equal scenario.
public enum ScenarioFuzzTarget {
    /// Integration names and ids the reader is told about (those of the bundled fixtures).
    static let knownIntegrations: Set<String> = ["support", "sales", "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01"]

    /// Runs one input.
    public static func run(_ input: Data) -> FuzzOutcome {
        guard let text = String(data: input, encoding: .utf8) else { return .rejected("not UTF-8") }
        _ = ScenarioParser.looksLikeScenario(text)
        let (scenario, diagnostics) = ScenarioParser.parse(text, file: "fuzz.yaml", knownIntegrations: knownIntegrations)
        guard let scenario else {
            guard let first = diagnostics.first else { return .invariantBroken("no scenario and no diagnostic") }
            return .rejected(first.message)
        }
        if !diagnostics.isEmpty { return .invariantBroken("a scenario with diagnostics: \(diagnostics)") }
        let written = ScenarioWriter.yaml(scenario)
        let (again, problems) = ScenarioParser.parse(written, file: "fuzz.yaml", knownIntegrations: knownIntegrations)
        guard let again else { return .invariantBroken("written scenario does not read back: \(problems)\n\(written)") }
        guard again == scenario else { return .invariantBroken("written scenario reads back different:\n\(written)") }
        return .accepted(scenario.name)
    }
}
