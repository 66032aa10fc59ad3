import AXPSimCore
/// A fault to inject while the scenario runs (the `fault:` step), in the shape of the control plane's
/// `PUT /__sim/faults` rules:
/// `fault: {match: {method: POST, path: /sdk/…}, action: {status: 503}, probability: 0.5, seed: 7, count: 2}`.
public struct FaultRule: Sendable, Equatable, Codable {
    /// Which requests or events the fault hits.
    public var match: FaultMatch
    /// What happens to them.
    public var action: FaultAction
    /// The chance, 0…1, that a matching request or event is hit (default 1).
    public var probability: Double
    /// The seed of the random draws, so a run repeats exactly (nil: unseeded).
    public var seed: Int?
    /// How many hits before the rule retires itself (nil: no limit).
    public var count: Int?

    public init(match: FaultMatch, action: FaultAction, probability: Double = 1, seed: Int? = nil, count: Int? = nil) {
        self.match = match
        self.action = action
        self.probability = probability
        self.seed = seed
        self.count = count
    }
}
