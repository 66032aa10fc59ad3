import AXPSimCore
import Foundation

/// One line of a scenario's expected transcript (`timeline:`), written by the recorder and compared on
/// replay: `- {at: 20, actor: "agent:Alice", kind: message, text: "Hi"}`.
///
/// `==` ignores ``line`` (provenance).
public struct TimelineEntry: Sendable, Equatable, Codable {
    /// Seconds since the chat started (on the account clock).
    public var at: Double
    /// Who: `agent:NAME`, `bot:NAME`, `customer` (or `customer:DEVICE` for a device other than the primary
    /// one) or `system`.
    public var actor: String
    /// What happened: `message`, `join`, `leave`, `end`, `queue`, `typing`, `tokenReminder`, … (open-ended;
    /// a word of letters, digits, `.`, `_` or `-`).
    public var kind: String
    /// The message text (or other detail, such as an end reason).
    public var text: String?
    /// The 1-based line of the entry in its file, 0 when not read from a file.
    public var line: Int
    /// A message's whole body when it is not plain text (its `text` is then the body's summary):
    /// what a recording turns into `agent.say: {body: …}`. Not part of the written timeline.
    public var body: JSONValue?

    public init(at: Double, actor: String, kind: String, text: String? = nil, line: Int = 0, body: JSONValue? = nil) {
        self.body = body
        self.at = at
        self.actor = actor
        self.kind = kind
        self.text = text
        self.line = line
    }

    public static func == (lhs: TimelineEntry, rhs: TimelineEntry) -> Bool {
        lhs.at == rhs.at && lhs.actor == rhs.actor && lhs.kind == rhs.kind && lhs.text == rhs.text
    }

    /// Whether `actor` has one of the accepted forms.
    public static func isValidActor(_ actor: String) -> Bool {
        if actor == "system" || actor == "customer" { return true }
        for prefix in ["agent:", "bot:", "customer:"] where actor.hasPrefix(prefix) {
            return !actor.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces).isEmpty
        }
        return false
    }
}
