import AXPSimChat
import AXPSimCore

/// One event of a session's log as the SDK receives it, with the fields tests read most.
public struct TestEvent: Sendable, Equatable {
    /// The whole event.
    public let fields: [String: JSONValue]

    public init(_ fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// `eventId` (a decimal string, gap-free per session).
    public var eventId: String { fields["eventId"]?.stringValue ?? "" }
    /// `eventType` (`MESSAGE`, `PARTICIPANT_ADDED`, …).
    public var type: String { fields["eventType"]?.stringValue ?? "" }
    /// The chat it belongs to.
    public var engagementId: String? { fields["engagementId"]?.stringValue }
    /// A message's text.
    public var text: String? {
        fields["message"]?.objectValue["body"]?.objectValue["elementText"]?.objectValue["text"]?.stringValue
    }
    /// The participant's type (`CUSTOMER`, `AGENT`, `BOT`, `SUPERVISOR`).
    public var participantType: String? { fields["participant"]?.objectValue["participantType"]?.stringValue }
    /// The participant's display name.
    public var participantName: String? { fields["participant"]?.objectValue["displayName"]?.stringValue }
}
