import AXPSimCore
/// One customer step with the place in its YAML file where it was written (see ``ScenarioStepEntry``).
/// `==` compares the steps only; ``line`` and ``column`` are provenance (0 for a step built in code).
public struct CustomerStepEntry: Sendable, Equatable, Codable {
    /// What the customer does.
    public var step: CustomerStep
    /// The 1-based line of the step's kind, 0 when not read from a file.
    public var line: Int
    /// The 1-based column of the step's kind, 0 when not read from a file.
    public var column: Int

    public init(_ step: CustomerStep, line: Int = 0, column: Int = 0) {
        self.step = step
        self.line = line
        self.column = column
    }

    public static func == (lhs: CustomerStepEntry, rhs: CustomerStepEntry) -> Bool {
        lhs.step == rhs.step
    }
}
