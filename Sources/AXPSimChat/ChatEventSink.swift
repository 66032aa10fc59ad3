import AXPSimCore

/// One event a commit appended to a session's log, with its fields as the log stores them.
package struct CommittedEvent: Sendable {
    package let event: SessionEvent
    /// The event's fields, encoded once (the same text the log stores).
    package let fieldsText: String

    package init(event: SessionEvent, fieldsText: String) {
        self.event = event
        self.fieldsText = fieldsText
    }
}

/// Where the chat publishes what it committed, and what happens to the connections that follow a
/// session. The chat owns this protocol; delivery (held long polls, event sockets) implements it
/// in the server. Every call comes after the commit it reports: an event is stored before anyone
/// can be told about it.
package protocol ChatEventSink: Sendable {
    /// A commit appended `events` (in order) to the logs of `sessions`.
    func published(_ events: [CommittedEvent], sessions: Set<String>)
    /// A session closed: whoever follows it gets its last events, then is let go. `byItsClient`:
    /// the SDK shut the session down itself (`DELETE …/sessions/{id}`), so a poll it still holds
    /// runs out quietly rather than ending with "Session not found" (which an SDK reads as the
    /// platform having lost its session).
    func sessionClosed(_ sessionId: String, byItsClient: Bool)
    /// A chat JWT was revoked: connections authenticated with it end.
    func tokenRevoked(_ jti: String)
    /// A session's connections drop without a goodbye (a fault); returns how many.
    @discardableResult
    func dropConnections(sessionId: String) -> Int
}
