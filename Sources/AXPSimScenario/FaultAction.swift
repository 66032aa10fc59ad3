import AXPSimCore

/// The `action:` of a ``FaultRule``: the control plane's own action.
public typealias FaultAction = Fault.Action

extension Fault.Action {
    /// The keys an action is written with (exactly one per action).
    public static let keys = ["delayMs", "status", "drop", "closeSocket"]
}
