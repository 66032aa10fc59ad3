import Foundation

/// A fault-injection rule (`PUT /__sim/faults`, or a scenario's `fault` step): what to match and
/// what to do instead of the normal answer, with a probability drawn from a seeded generator so
/// that a run is repeatable.
public struct Fault: Sendable, Equatable {
    /// What a rule applies to. Unset fields match anything; `path` may use `*` for any characters.
    /// Codable (synthesised) for the stored definition of a scenario run whose steps hold one.
    public struct Match: Sendable, Equatable, Codable {
        public var method: String?
        public var path: String?
        /// An event type: the rule acts on event delivery to sockets instead of HTTP requests.
        public var event: String?

        public init(method: String? = nil, path: String? = nil, event: String? = nil) {
            self.method = method
            self.path = path
            self.event = event
        }
    }

    /// What happens instead. Codable (synthesised), as ``Match``.
    public enum Action: Sendable, Equatable, Codable {
        /// Answer normally, but only after this many milliseconds.
        case delay(milliseconds: Int)
        /// Answer with this status (a problem+json body with code `fault_injected`).
        case status(Int)
        /// Close the connection without answering (HTTP), or skip the event on sockets.
        case drop
        /// Drop the session's sockets abruptly instead of delivering the event.
        case closeSocket
    }

    public var match: Match
    public var action: Action
    /// Chance of acting on each match, 0…1.
    public var probability: Double
    public var seed: UInt64
    /// Acts at most this many times (nil: unlimited).
    public var count: Int?

    public init(match: Match, action: Action, probability: Double = 1, seed: UInt64 = 0, count: Int? = nil) {
        self.match = match
        self.action = action
        self.probability = probability
        self.seed = seed
        self.count = count
    }

    /// Parses one rule, reporting every violation under `field` (e.g. `rules[0]`).
    public static func parse(_ value: JSONValue, field: String, into violations: inout [Violation]) -> Fault? {
        guard case .object(let object) = value else {
            violations.append(Violation(field: field, message: "must be an object", code: .invalidType))
            return nil
        }
        var reader = FieldReader(object)
        reader.rejectUnknown(allowed: ["match", "action", "probability", "seed", "count"])
        var match = Match()
        if case .object(let m)? = object["match"] {
            var matchReader = FieldReader(m)
            matchReader.rejectUnknown(allowed: ["method", "path", "event"])
            match = Match(
                method: matchReader.string("method", length: 1...16)?.uppercased(), path: matchReader.string("path", length: 1...1024),
                event: matchReader.string("event", length: 1...64))
            if let event = match.event, EventType(rawValue: event) == nil {
                matchReader.fail("event", "must be an event type (MESSAGE, PARTICIPANT_ADDED, …)", .invalidValue)
            }
            if match.event != nil, match.method != nil || match.path != nil {
                matchReader.fail("event", "an event rule cannot also match method or path", .invalidValue)
            }
            for v in matchReader.violations { reader.fail("match.\(v.field)", v.message, ViolationCode(rawValue: v.code) ?? .invalidValue) }
        } else if object["match"] != nil {
            reader.fail("match", "must be an object", .invalidType)
        }
        var action: Action?
        if case .object(let a)? = object["action"] {
            var actionReader = FieldReader(a)
            actionReader.rejectUnknown(allowed: ["delayMs", "status", "drop", "closeSocket"])
            var chosen: [Action] = []
            if let ms = actionReader.int("delayMs", range: 0...600_000) { chosen.append(.delay(milliseconds: ms)) }
            if let status = actionReader.int("status", range: 100...599) { chosen.append(.status(status)) }
            if actionReader.bool("drop") == true { chosen.append(.drop) }
            if actionReader.bool("closeSocket") == true { chosen.append(.closeSocket) }
            for v in actionReader.violations { reader.fail("action.\(v.field)", v.message, ViolationCode(rawValue: v.code) ?? .invalidValue) }
            if chosen.count != 1, actionReader.violations.isEmpty {
                reader.fail("action", "must have exactly one of delayMs, status, drop, closeSocket", .invalidValue)
            }
            action = chosen.count == 1 ? chosen[0] : nil
        } else {
            reader.fail("action", object["action"] == nil ? "must not be null" : "must be an object", object["action"] == nil ? .missingValue : .invalidType)
        }
        if let action, match.event != nil, case .status = action {
            reader.fail("action.status", "an event rule can only drop or closeSocket", .invalidValue)
        }
        if let action, match.event == nil, action == .closeSocket {
            reader.fail("action.closeSocket", "closeSocket needs match.event", .invalidValue)
        }
        var probability = 1.0
        switch object["probability"] {
        case nil, .null?: break
        case .int(let p)?: probability = Double(p)
        case .double(let p)?: probability = p
        default: reader.fail("probability", "must be a number", .invalidType)
        }
        if !(0...1).contains(probability) { reader.fail("probability", "must be between 0 and 1", .numberOutOfRange) }
        let seed = reader.int("seed", range: 0...Int.max) ?? 0
        let count = reader.int("count", range: 1...1_000_000)
        for v in reader.violations { violations.append(Violation(field: "\(field).\(v.field)", message: v.message, code: ViolationCode(rawValue: v.code) ?? .invalidValue)) }
        guard reader.violations.isEmpty, let action else { return nil }
        return Fault(match: match, action: action, probability: probability, seed: UInt64(seed), count: count)
    }

    /// The JSON Schema of a rule as ``parse(_:field:into:)`` reads it (exactly one action; an
    /// event rule drops or closes sockets only).
    public static let ruleSchema = JSONSchema.ref(
        "FaultRule",
        .object(
            [
                "match": JSONSchema.object([
                    "method": JSONSchema.string(length: 1...16).nullable, "path": JSONSchema.string(length: 1...1024).nullable,
                    "event": JSONSchema.string(oneOf: EventType.allCases.map(\.rawValue)).nullable,
                ]).nullable,
                "action": .object([
                    "delayMs": JSONSchema.integer(0...600_000).nullable, "status": JSONSchema.integer(100...599).nullable,
                    "drop": JSONSchema.boolean.nullable, "closeSocket": JSONSchema.boolean.nullable,
                ]),
                "probability": JSONSchema(["type": .array(["number", "null"]), "minimum": .int(0), "maximum": .int(1)]),
                "seed": JSONSchema.integer(0...Int.max).nullable, "count": JSONSchema.integer(1...1_000_000).nullable,
            ], required: ["action"]))

    /// True when `path` matches the rule's glob (`*` = any run of characters).
    public static func glob(_ pattern: String, matches path: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == path }
        guard path.hasPrefix(parts[0]) else { return false }
        var rest = path.dropFirst(parts[0].count)
        for (index, part) in parts.enumerated().dropFirst() {
            if index == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}
