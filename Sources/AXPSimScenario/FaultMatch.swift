import AXPSimCore

/// The `match:` of a ``FaultRule``: the control plane's own match (at least one of an HTTP method,
/// a path with `*` wildcards and an event type; every field given must match).
public typealias FaultMatch = Fault.Match

extension Fault.Match {
    /// The methods `method` may name.
    public static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
}
