import AXPSimCore
import AXPSimFixtures
import AXPSimScenario
import Foundation

/// Parses `yaml` as file `s.yaml`.
func parse(_ yaml: String, file: String = "s.yaml") -> (Scenario?, [Diagnostic]) {
    ScenarioParser.parse(yaml, file: file)
}

/// The diagnostics of `yaml`.
func diagnostics(_ yaml: String) -> [Diagnostic] {
    parse(yaml).1
}

extension [Diagnostic] {
    /// Whether one diagnostic is at `line` and mentions `message` (and `hint`, when given).
    func has(line: Int, _ message: String, hint: String? = nil) -> Bool {
        contains { diagnostic in
            diagnostic.line == line && diagnostic.message.contains(message) && (hint.map { diagnostic.hint?.contains($0) ?? false } ?? true)
        }
    }

    var text: String { map(\.description).joined(separator: "\n") }
}

/// The repository's root, from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The SPEC section 7 example.
let specExample = """
    name: agent-greets-then-resolves
    description: Agent joins after a short queue, greets, waits for the customer, ends the chat.
    integration: support            # run for every new chat of this integration, when attached
    steps:
      - queue: { position: 2, estimatedWaitSeconds: 40 }
      - after: 20s
      - agent.join: { name: Alice }
      - agent.say: "Hi, I'm Alice. How can I help?"
      - expect.customer: { matches: "(?i)refund", within: 5m }
      - agent.typing: {}
      - after: 3s
      - agent.say: "Your refund is on its way."
      - after: 10m
      - chat.end: { reason: agent }
    customer:                       # optional: the customer side, for headless runs and replays
      - chat.start: {}
      - after: 25s
      - say: "I want a refund"
    """
