import AXPSimFixtures
import Foundation

/// Fuzz target for the fixture YAML reader: the input is one fixture file's bytes, read from text
/// exactly as `FixtureLoader.load(files:)` reads a file (not UTF-8 → refused).
public enum FixtureFuzzTarget {
    /// Runs one input.
    public static func run(_ input: Data) -> FuzzOutcome {
        guard let text = String(data: input, encoding: .utf8) else { return .rejected("not UTF-8") }
        var seen = FixtureLoader.Seen()
        let (accounts, diagnostics) = FixtureLoader.parse(text, file: "fuzz.yaml", seen: &seen)
        if let first = diagnostics.first { return .rejected(first.message) }
        return .accepted("\(accounts.count) accounts")
    }
}
