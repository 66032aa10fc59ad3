import AXPSimCore
/// One contact-center step with the place in its YAML file where it was written.
///
/// Lists of steps hold entries so that progress reports and replay diffs can name the line; switch over
/// ``step`` to run it. `==` compares the steps only; ``line`` and ``column`` are provenance (both 0 for
/// a step built in code).
public struct ScenarioStepEntry: Sendable, Equatable, Codable {
    /// What to do.
    public var step: ScenarioStep
    /// The 1-based line of the step's kind (`agent.say` in `- agent.say: "Hi"`), 0 when not read from a file.
    public var line: Int
    /// The 1-based column of the step's kind, 0 when not read from a file.
    public var column: Int

    public init(_ step: ScenarioStep, line: Int = 0, column: Int = 0) {
        self.step = step
        self.line = line
        self.column = column
    }

    public static func == (lhs: ScenarioStepEntry, rhs: ScenarioStepEntry) -> Bool {
        lhs.step == rhs.step
    }

    /// The simulated time `steps` can cover (see ``Scenario/totalDelaySeconds``).
    public static func delaySeconds(of steps: [ScenarioStepEntry]) -> Double {
        steps.reduce(0) { total, entry in
            switch entry.step {
            case .after(let seconds): total + seconds
            case .expectCustomer(_, let within, let onTimeout): total + (within ?? 0) + delaySeconds(of: onTimeout ?? [])
            default: total
            }
        }
    }
}
