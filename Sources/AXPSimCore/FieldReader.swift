import Foundation

/// Reads typed fields out of a JSON object while collecting every violation, so that one bad
/// request reports all of its mistakes at once (as the platform's `violations` list does).
public struct FieldReader: Sendable {
    public let object: [String: JSONValue]
    public private(set) var violations: [Violation] = []

    public init(_ object: [String: JSONValue]) {
        self.object = object
    }

    /// Records a violation.
    public mutating func fail(_ field: String, _ message: String, _ code: ViolationCode) {
        violations.append(Violation(field: field, message: message, code: code))
    }

    /// Throws ``AXPSimError/constraintViolation(_:)`` when anything was recorded.
    public func check() throws(AXPSimError) {
        if !violations.isEmpty { throw .constraintViolation(violations) }
    }

    /// Rejects fields not in `allowed` (a typo must not pass silently).
    public mutating func rejectUnknown(allowed: Set<String>) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            fail(key, "unknown field", .invalidValue)
        }
    }

    /// A string field; `nil` when absent (or invalid, with a violation recorded).
    public mutating func string(_ field: String, required: Bool = false, length: ClosedRange<Int>? = nil) -> String? {
        switch object[field] {
        case nil, .null?:
            if required { fail(field, "must not be null", .missingValue) }
            return nil
        case .string(let value)?:
            if let length, !length.contains(value.count) {
                fail(field, "size must be between \(length.lowerBound) and \(length.upperBound)", .sizeOutOfRange)
                return nil
            }
            return value
        case let other?:
            fail(field, "must be a string, not \(other.typeName)", .invalidType)
            return nil
        }
    }

    /// A boolean field.
    public mutating func bool(_ field: String, required: Bool = false) -> Bool? {
        switch object[field] {
        case nil, .null?:
            if required { fail(field, "must not be null", .missingValue) }
            return nil
        case .bool(let value)?:
            return value
        case let other?:
            fail(field, "must be a boolean, not \(other.typeName)", .invalidType)
            return nil
        }
    }

    /// An integer field within `range`.
    public mutating func int(_ field: String, required: Bool = false, range: ClosedRange<Int>? = nil) -> Int? {
        switch object[field] {
        case nil, .null?:
            if required { fail(field, "must not be null", .missingValue) }
            return nil
        case .int(let value)?:
            guard let value = Int(exactly: value) else {
                fail(field, "is out of range", .numberOutOfRange)
                return nil
            }
            if let range, !range.contains(value) {
                fail(field, "must be between \(range.lowerBound) and \(range.upperBound)", .numberOutOfRange)
                return nil
            }
            return value
        case .double?:
            fail(field, "must be an integer", .invalidType)
            return nil
        case let other?:
            fail(field, "must be an integer, not \(other.typeName)", .invalidType)
            return nil
        }
    }

    /// An integer field that may also arrive as a decimal string (`"30"`), as some clients send it.
    public mutating func lenientInt(_ field: String, range: ClosedRange<Int>) -> Int? {
        if case .string(let text)? = object[field] {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                fail(field, "must be an integer", .invalidType)
                return nil
            }
            guard range.contains(value) else {
                fail(field, "must be between \(range.lowerBound) and \(range.upperBound)", .numberOutOfRange)
                return nil
            }
            return value
        }
        return int(field, range: range)
    }

    /// An object of string values (e.g. routing attributes).
    public mutating func stringMap(_ field: String, maxKeys: Int = 50) -> [String: String]? {
        switch object[field] {
        case nil, .null?:
            return nil
        case .object(let map)?:
            if map.count > maxKeys { fail(field, "must have at most \(maxKeys) keys", .sizeOutOfRange) }
            var result: [String: String] = [:]
            for (key, value) in map {
                guard case .string(let text) = value else {
                    fail("\(field).\(key)", "must be a string, not \(value.typeName)", .invalidType)
                    continue
                }
                result[key] = text
            }
            return result
        case let other?:
            fail(field, "must be an object, not \(other.typeName)", .invalidType)
            return nil
        }
    }
}
