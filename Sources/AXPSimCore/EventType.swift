import Foundation

/// Every event type stored in a session's event log.
public enum EventType: String, Sendable, Codable, CaseIterable {
    // Consumed by the vendor SDK (sent on the long poll and the socket).
    case message = "MESSAGE"
    case participantAdded = "PARTICIPANT_ADDED"
    case participantDisconnected = "PARTICIPANT_DISCONNECTED"
    case engagementCreated = "ENGAGEMENT_CREATED"
    case engagementError = "ENGAGEMENT_ERROR"
    // axpsim's session events (socket and journal only).
    case tokenExpiryReminder = "TOKEN_EXPIRY_REMINDER"
    case tokenExpired = "TOKEN_EXPIRED"
    case sessionClosed = "SESSION_CLOSED"
    case queuePosition = "QUEUE_POSITION"
    case typing = "TYPING"
    case engagementTerminated = "ENGAGEMENT_TERMINATED"
    /// Where routing sent a new chat (rule, queue, routing attributes, scenario), and again after an overflow.
    case routed = "ROUTED"

    /// True for the types the SDK's long poll carries.
    public var isSDKEvent: Bool {
        switch self {
        case .message, .participantAdded, .participantDisconnected, .engagementCreated, .engagementError: true
        default: false
        }
    }
}

/// One stored event of a session's log.
public struct SessionEvent: Sendable, Equatable {
    /// Global journal id (across sessions and accounts), for the control-plane journal.
    public var journalId: Int64
    public var accountId: String
    public var sessionId: String
    /// The per-session, gap-free sequence number; the wire `eventId` is its decimal text.
    public var seq: Int64
    public var eventType: EventType
    public var engagementId: String?
    public var createdAt: Date
    /// The event's fields other than `eventId` and `eventType`.
    public var fields: [String: JSONValue]

    public init(
        journalId: Int64, accountId: String, sessionId: String, seq: Int64, eventType: EventType, engagementId: String?, createdAt: Date,
        fields: [String: JSONValue]
    ) {
        self.journalId = journalId
        self.accountId = accountId
        self.sessionId = sessionId
        self.seq = seq
        self.eventType = eventType
        self.engagementId = engagementId
        self.createdAt = createdAt
        self.fields = fields
    }

    /// The wire `eventId`.
    public var eventId: String { String(seq) }

    /// True for an event only the control-plane journal carries (no session's log: a chat's ROUTED).
    public var isJournalOnly: Bool { sessionId.isEmpty }

    /// The event as clients receive it (a journal-only event has no `eventId`).
    public var wire: JSONValue {
        var object = fields
        if !isJournalOnly { object["eventId"] = .string(eventId) }
        object["eventType"] = .string(eventType.rawValue)
        return .object(object)
    }

    /// The wire frame, built from the already encoded `fields` object (`{…}`) without encoding again.
    public func frame(fieldsText: String) -> Data {
        let head = "{\"eventId\":\"\(eventId)\",\"eventType\":\"\(eventType.rawValue)\""
        let rest = fieldsText.dropFirst()
        return Data((rest.first == "}" ? head + "}" : head + "," + rest).utf8)
    }

    /// Parses a wire `eventId` (or `lastEventId`) back to a sequence number.
    public static func seq(fromEventId text: String) -> Int64? {
        guard let value = Int64(text), value >= 0 else { return nil }
        return value
    }
}

extension SessionEvent {
    /// The JSON shape of ``wire``: `eventId`, `eventType` and the type's own fields.
    public static let wireSchema = JSONSchema.ref(
        "Event",
        .object(
            [
                "eventId": .string(pattern: "^[0-9]+$"), "eventType": .string(oneOf: EventType.allCases.map(\.rawValue)),
                "engagementId": .string(),
            ], required: ["eventId", "eventType"], closed: false))
}
