import Foundation

/// Validated bodies of the control plane's chat, clock, scenario and snapshot calls (SPEC
/// section 6). Unknown fields are refused: a typo in a test must not pass silently.
public enum ControlRequests {
    /// `PUT /__sim/accounts/{a}/clock`: the mode, and for a virtual clock the instant to freeze at.
    public struct ClockChange: Sendable, Equatable {
        public var mode: ClockMode
        public var now: Date?
    }

    /// Validates the body, reporting every violation at once (400 `constraint_violation`).
    public static func clockChange(_ object: [String: JSONValue]) throws(AXPSimError) -> ClockChange {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["mode", "now"])
        let mode = reader.string("mode", required: true, oneOf: ClockMode.allCases.map(\.rawValue)).flatMap(ClockMode.init(rawValue:))
        let now = reader.string("now", pattern: .timestamp).flatMap(Timestamp.parse)
        if mode == .real, now != nil { reader.fail("now", "only a virtual clock can be set to an instant", .invalidValue) }
        try reader.check()
        guard let mode else { throw .constraintViolation(reader.violations) }
        return ClockChange(mode: mode, now: now)
    }

    /// `POST /__sim/accounts/{a}/clock/advance`: seconds to move a virtual clock by.
    public static func clockAdvance(_ object: [String: JSONValue]) throws(AXPSimError) -> Int {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["seconds"])
        let seconds = reader.int("seconds", required: true, range: 0...(366 * 86_400))
        try reader.check()
        guard let seconds else { throw .constraintViolation(reader.violations) }
        return seconds
    }

    /// `POST /__sim/engagements/{e}/agent/join`.
    public struct ParticipantJoin: Sendable, Equatable {
        public var displayName: String?
        public var participantType: ParticipantType
    }

    /// The participant types the contact-center side may join as.
    public static let contactCenterTypes: [ParticipantType] = [.agent, .bot, .supervisor]

    /// Validates the body, reporting every violation at once (400 `constraint_violation`).
    public static func participantJoin(_ object: [String: JSONValue]) throws(AXPSimError) -> ParticipantJoin {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["displayName", "participantType"])
        let name = reader.string("displayName", length: 1...70)
        let type = reader.string("participantType", oneOf: contactCenterTypes.map(\.rawValue)).flatMap(ParticipantType.init(rawValue:))
        try reader.check()
        return ParticipantJoin(displayName: name, participantType: type ?? .agent)
    }

    /// `POST /__sim/engagements/{e}/agent/message`.
    public struct ParticipantMessage: Sendable, Equatable {
        /// What is said: a plain `text`, or a whole `body` of any kind.
        public var body: MessageBody
        public var participantId: String?
    }

    /// Validates the body, reporting every violation at once (400 `constraint_violation`):
    /// exactly one of `text` (plain text) and `body` (any message kind the contact center sends,
    /// ``MessageBody/agent(_:maxTextLength:field:)``).
    public static func participantMessage(_ object: [String: JSONValue]) throws(AXPSimError) -> ParticipantMessage {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["text", "body", "participantId"])
        let text = reader.string("text")
        let body = reader.messageBody("body", required: false, from: .contactCenter)
        let participantId = reader.string("participantId")
        try reader.check()
        switch (text, body) {
        case (let text?, nil): return ParticipantMessage(body: .text(text), participantId: participantId)
        case (nil, let body?): return ParticipantMessage(body: body, participantId: participantId)
        default:
            throw .constraintViolation([Violation(field: "text", message: "give exactly one of text and body", code: .invalidValue)])
        }
    }

    /// `POST /__sim/engagements/{e}/agent/typing|leave`: which participant (default: the latest agent).
    public static func participantId(_ object: [String: JSONValue]) throws(AXPSimError) -> String? {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["participantId"])
        let id = reader.string("participantId")
        try reader.check()
        return id
    }

    /// `POST /__sim/engagements/{e}/end`: the end reason.
    public static func endReason(_ object: [String: JSONValue]) throws(AXPSimError) -> String {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["reason"])
        let reason = reader.string("reason", length: 1...64)
        try reader.check()
        return reason ?? "AGENT_CLOSED"
    }

    /// `POST /__sim/engagements/{e}/queue-position`.
    public struct QueuePosition: Sendable, Equatable {
        public var position: Int
        public var estimatedWaitSeconds: Int?
    }

    /// Validates the body, reporting every violation at once (400 `constraint_violation`).
    public static func queuePosition(_ object: [String: JSONValue]) throws(AXPSimError) -> QueuePosition {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["position", "estimatedWaitSeconds"])
        let position = reader.int("position", required: true, range: 0...100_000)
        let wait = reader.int("estimatedWaitSeconds", range: 0...86_400)
        try reader.check()
        guard let position else { throw .constraintViolation(reader.violations) }
        return QueuePosition(position: position, estimatedWaitSeconds: wait)
    }

    /// `POST /__sim/engagements/{e}/error`: the ENGAGEMENT_ERROR to send.
    public struct EngagementError: Sendable, Equatable {
        public var type: String
        public var title: String
        public var detail: String
    }

    /// Validates the body, reporting every violation at once (400 `constraint_violation`).
    public static func engagementError(_ object: [String: JSONValue]) throws(AXPSimError) -> EngagementError {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["type", "title", "detail"])
        let type = reader.string("type")
        let title = reader.string("title")
        let detail = reader.string("detail")
        try reader.check()
        return EngagementError(
            type: type ?? "ENGAGEMENT_ERROR", title: title ?? "Engagement error", detail: detail ?? "Injected by the control plane")
    }

    /// `POST /__sim/scenarios/{name}/run`: on a chat, or headless on an integration.
    public struct ScenarioTarget: Sendable, Equatable {
        public var engagementId: String?
        public var integrationId: String?
    }

    /// Validates the body, reporting every violation at once (400 `constraint_violation`).
    public static func scenarioTarget(_ object: [String: JSONValue]) throws(AXPSimError) -> ScenarioTarget {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["engagementId", "integrationId"])
        let engagementId = reader.string("engagementId")
        let integrationId = reader.string("integrationId")
        if engagementId != nil, integrationId != nil { reader.fail("integrationId", "give engagementId or integrationId, not both", .invalidValue) }
        try reader.check()
        return ScenarioTarget(engagementId: engagementId, integrationId: integrationId)
    }

    /// `POST /__sim/recordings`: the chat to record and the scenario name to write.
    public struct RecordingStart: Sendable, Equatable {
        public var engagementId: String
        public var name: String?
    }

    /// Validates the body, reporting every violation at once (400 `constraint_violation`).
    public static func recordingStart(_ object: [String: JSONValue]) throws(AXPSimError) -> RecordingStart {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["engagementId", "name"])
        let engagementId = reader.string("engagementId", required: true)
        let name = reader.string("name", length: 1...64, pattern: .fileName)
        try reader.check()
        guard let engagementId else { throw .constraintViolation(reader.violations) }
        return RecordingStart(engagementId: engagementId, name: name)
    }

    /// `POST /__sim/recordings/{id}/stop`: whether an existing scenario file of the same name may
    /// be replaced (default false: 409 `scenario_exists`).
    public static func recordingStop(_ object: [String: JSONValue]) throws(AXPSimError) -> Bool {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["overwrite"])
        let overwrite = reader.bool("overwrite") ?? false
        try reader.check()
        return overwrite
    }

    /// `POST /__sim/snapshots`: the snapshot's name.
    public static func snapshotName(_ object: [String: JSONValue]) throws(AXPSimError) -> String {
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["name"])
        let name = reader.string("name", required: true, pattern: .fileName)
        try reader.check()
        guard let name else { throw .constraintViolation(reader.violations) }
        return name
    }
}
