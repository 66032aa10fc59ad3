/// The `action:` of a ``FaultRule``: exactly one of `delayMs`, `status`, `drop` or `closeSocket`.
public enum FaultAction: Sendable, Equatable {
    /// `delayMs: 1500` — hold the request or event this long (0…600000 ms).
    case delay(milliseconds: Int)
    /// `status: 503` — answer the request with this HTTP status (100…599) instead of handling it.
    case status(Int)
    /// `drop: true` — drop the request's connection without an answer, or the event without delivering it.
    case drop
    /// `closeSocket: true` — close the event socket that would carry the event or serves the request.
    case closeSocket

    /// The action keys, as written in YAML.
    public static let keys = ["delayMs", "status", "drop", "closeSocket"]
}
