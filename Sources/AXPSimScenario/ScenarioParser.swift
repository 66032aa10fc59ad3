import AXPSimCore
import AXPSimFixtures
import Foundation
import Yams

/// Reads scenario YAML (SPEC section 7) into a ``Scenario``, reporting every mistake as a
/// ``Diagnostic`` with file, line, column and a hint (what `axpsim validate` prints).
///
/// Two passes: the first checks the shape of every value (unknown step kinds with the nearest valid
/// one, unknown keys, wrong types, bad durations, bad regular expressions, bad fault rules); the
/// second checks the steps in order (agents named before they join or after they left, steps after
/// the chat ended, a customer side that does not begin with `chat.start`, devices that never started
/// or joined). Diagnostics come sorted by position.
public enum ScenarioParser {
    /// Parses one scenario file's text. The scenario is nil when any mistake was found (every
    /// diagnostic is an error); `file` is used in diagnostics and as the default name.
    public static func parse(_ text: String, file: String) -> (Scenario?, [Diagnostic]) {
        parse(text, file: file, knownIntegrations: nil)
    }

    /// As ``parse(_:file:)``; when `knownIntegrations` (integration names and ids) is given, an
    /// `integration:` outside it is a mistake too.
    public static func parse(_ text: String, file: String, knownIntegrations: Set<String>?) -> (Scenario?, [Diagnostic]) {
        let reader = ScenarioReader(file: file)
        guard let root = reader.yaml.parse(text) else { return (nil, reader.yaml.diagnostics) }
        let scenario = reader.scenario(root, knownIntegrations: knownIntegrations)
        var diagnostics = reader.yaml.diagnostics
        if let scenario { diagnostics += check(scenario, file: file) }
        diagnostics = sorted(diagnostics)
        return (diagnostics.isEmpty ? scenario : nil, diagnostics)
    }

    /// The second pass alone, for a scenario built in code (a step's position is its entry's `line`
    /// and `column`, 0 when not read from a file).
    public static func check(_ scenario: Scenario, file: String? = nil) -> [Diagnostic] {
        var checker = ScenarioChecker(file: file ?? scenario.file ?? "<scenario>")
        checker.check(scenario)
        return sorted(checker.diagnostics)
    }

    /// Whether YAML `text` looks like a scenario rather than a fixture file: its top level is a
    /// mapping without `accounts:` and with `steps:` or another scenario key (`name:`, `customer:`, …).
    public static func looksLikeScenario(_ text: String) -> Bool {
        guard let root = try? Yams.compose(yaml: text), let mapping = root.mapping else { return false }
        let keys = Set(mapping.keys.compactMap(\.string))
        if keys.contains("accounts") { return false }
        return !keys.isDisjoint(with: ScenarioReader.topKeys)
    }

    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }
}
