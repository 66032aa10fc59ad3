/// The `match:` of a ``FaultRule``: at least one of an HTTP method, a request path and an event type;
/// every field given must match.
public struct FaultMatch: Sendable, Equatable {
    /// An HTTP method, upper case (`GET`, `POST`, …).
    public var method: String?
    /// A request path, starting with `/` (how it is compared — exact, prefix or `*` wildcards — is up to
    /// the fault engine).
    public var path: String?
    /// An event type as on the wire (`MESSAGE`, `TYPING`, …; see `EventType`).
    public var event: String?

    public init(method: String? = nil, path: String? = nil, event: String? = nil) {
        self.method = method
        self.path = path
        self.event = event
    }

    /// The methods `method` may name.
    public static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
}
