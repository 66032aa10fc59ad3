import AXPSimChat
import AXPSimWebSocket

/// The close codes of the event socket (SPEC section 4, docs/events.md): one place, never literals.
enum SocketClose {
    /// The server is stopping (RFC 6455 "going away").
    static let goingAway: UInt16 = WebSocketConnection.goingAwayCloseCode
    /// The server could not read its state (RFC 6455 "internal error"); resume with `lastEventId`.
    static let internalError: UInt16 = 1011
    /// A malformed frame (auth or later).
    static let badRequest: UInt16 = 4400
    /// Bad, expired or revoked credentials, or no auth frame in time.
    static let unauthorized: UInt16 = 4401
    /// The token's customer does not own the session.
    static let forbidden: UInt16 = 4403
    /// No such session (or endpoint).
    static let notFound: UInt16 = 4404
    /// A slow consumer: its queue overflowed (closed by the WebSocket layer).
    static let slowConsumer: UInt16 = WebSocketConnection.slowConsumerCloseCode
    /// The session is closed (or its account was reset).
    static let sessionClosed: UInt16 = 4410
    /// The session already has the most sockets allowed (`--max-sockets-per-session`).
    static let tooManySockets: UInt16 = 4429
}
