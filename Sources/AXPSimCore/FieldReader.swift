import Foundation
import Synchronization

/// Reads typed fields out of a JSON object while collecting every violation, so that one bad
/// request reports all of its mistakes at once (as the platform's `violations` list does).
///
/// A reader can also run in *recording* mode (``schema(of:)``): it then reads nothing and
/// records every field a validator asks for (name, type, required, length, range, pattern,
/// allowed values, nested objects, whether unknown fields are refused) as a JSON Schema. The
/// OpenAPI document's request schemas are made that way, from the very code that validates the
/// requests, so the two cannot drift apart.
public struct FieldReader: Sendable {
    public let object: [String: JSONValue]
    public private(set) var violations: [Violation] = []
    /// The schema being recorded, in recording mode (internal for the readers of `FieldReader+Collections.swift`).
    var recording: Recording?
    /// A nested reader (``object(_:required:_:)``) leaves its schema to its parent.
    private var isNested = false

    public init(_ object: [String: JSONValue]) {
        self.object = object
        self.recording = Self.recorder != nil ? Recording() : nil
    }

    /// A reader of a nested object or array element; its violations and schema go to the caller.
    init(nested object: [String: JSONValue], recording: Bool) {
        self.object = object
        self.recording = recording ? Recording() : nil
        self.isNested = true
    }

    /// True when this reader records a schema instead of reading values.
    public var isRecording: Bool { recording != nil }

    /// Records a violation.
    public mutating func fail(_ field: String, _ message: String, _ code: ViolationCode) {
        guard recording == nil else { return }
        violations.append(Violation(field: field, message: message, code: code))
    }

    /// The field's value; nil when it is absent or null (a violation when `required`). Every
    /// reader starts here.
    mutating func value(_ field: String, required: Bool) -> JSONValue? {
        switch object[field] {
        case nil, .null?:
            if required { fail(field, "must not be null", .missingValue) }
            return nil
        case let given?:
            return given
        }
    }

    /// Throws ``AXPSimError/constraintViolation(_:)`` when anything was recorded. In recording
    /// mode it hands the recorded schema over instead and never throws.
    public func check() throws(AXPSimError) {
        if let recording {
            if !isNested { Self.recorder?.deposit(recording.schema) }
            return
        }
        if !violations.isEmpty { throw .constraintViolation(violations) }
    }

    /// Rejects fields not in `allowed` (a typo must not pass silently).
    public mutating func rejectUnknown(allowed: Set<String>) {
        if recording != nil {
            recording?.closed = true
            return
        }
        for key in object.keys.sorted() where !allowed.contains(key) {
            fail(key, "unknown field", .invalidValue)
        }
    }

    /// A string field; `nil` when absent (or invalid, with a violation recorded). `pattern`
    /// checks its content, `oneOf` restricts it to a set of values.
    public mutating func string(
        _ field: String, required: Bool = false, length: ClosedRange<Int>? = nil, pattern: FieldPattern? = nil, oneOf allowed: [String]? = nil
    ) -> String? {
        if recording != nil {
            record(field, .string(length: length, pattern: pattern?.pattern, format: pattern?.format, oneOf: allowed), required: required)
            return nil
        }
        guard let given = value(field, required: required) else { return nil }
        switch given {
        case .string(let value):
            if let length, !length.contains(value.count) {
                fail(field, "size must be between \(length.lowerBound) and \(length.upperBound)", .sizeOutOfRange)
                return nil
            }
            if let pattern, !pattern.isValid(value) {
                fail(field, pattern.message, .patternMismatch)
                return nil
            }
            if let allowed, !allowed.contains(value) {
                fail(field, "must be one of \(allowed.joined(separator: ", "))", .invalidValue)
                return nil
            }
            return value
        case let other:
            fail(field, "must be a string, not \(other.typeName)", .invalidType)
            return nil
        }
    }

    /// A boolean field.
    public mutating func bool(_ field: String, required: Bool = false) -> Bool? {
        if recording != nil {
            record(field, .boolean, required: required)
            return nil
        }
        guard let given = value(field, required: required) else { return nil }
        switch given {
        case .bool(let value):
            return value
        case let other:
            fail(field, "must be a boolean, not \(other.typeName)", .invalidType)
            return nil
        }
    }

    /// An integer field within `range`.
    public mutating func int(_ field: String, required: Bool = false, range: ClosedRange<Int>? = nil) -> Int? {
        if recording != nil {
            record(field, .integer(range), required: required)
            return nil
        }
        guard let given = value(field, required: required) else { return nil }
        switch given {
        case .int(let value):
            guard let value = Int(exactly: value) else {
                fail(field, "is out of range", .numberOutOfRange)
                return nil
            }
            if let range, !range.contains(value) {
                fail(field, "must be between \(range.lowerBound) and \(range.upperBound)", .numberOutOfRange)
                return nil
            }
            return value
        case .double:
            fail(field, "must be an integer", .invalidType)
            return nil
        case let other:
            fail(field, "must be an integer, not \(other.typeName)", .invalidType)
            return nil
        }
    }

    /// An integer field that may also arrive as a decimal string (`"30"`), as some clients send it.
    public mutating func lenientInt(_ field: String, range: ClosedRange<Int>) -> Int? {
        if recording != nil {
            record(field, .anyOf([.integer(range), .string(pattern: "^\\s*[+-]?[0-9]{1,18}\\s*$")]), required: false)
            return nil
        }
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
        map(field, maxKeys: maxKeys, values: .string()) { value in
            guard case .string(let text) = value else { return .failure(Problem("must be a string, not \(value.typeName)", .invalidType)) }
            return .success(text)
        }
    }

    /// A value of a ``map(_:maxKeys:values:_:)`` that cannot be read: what the violation says.
    struct Problem: Error {
        let message: String
        let code: ViolationCode

        init(_ message: String, _ code: ViolationCode) {
            self.message = message
            self.code = code
        }
    }

    /// An object of at most `maxKeys` keys whose values `read` reads, each failure reported on
    /// `field.key` (keys in order); recorded as a map of `values`. `nil` when absent or not an object.
    mutating func map<T>(_ field: String, maxKeys: Int, values schema: JSONSchema, _ read: (JSONValue) -> Result<T, Problem>) -> [String: T]? {
        if recording != nil {
            record(field, .map(schema, keys: 0...maxKeys), required: false)
            return nil
        }
        guard let given = value(field, required: false) else { return nil }
        guard case .object(let map) = given else {
            fail(field, "must be an object, not \(given.typeName)", .invalidType)
            return nil
        }
        if map.count > maxKeys { fail(field, "must have at most \(maxKeys) keys", .sizeOutOfRange) }
        var result: [String: T] = [:]
        for key in map.keys.sorted() {
            guard let item = map[key] else { continue }
            switch read(item) {
            case .success(let value): result[key] = value
            case .failure(let problem): fail("\(field).\(key)", problem.message, problem.code)
            }
        }
        return result
    }

    /// An object whose keys (`keyLength` long, `keys` of them) each hold an array of `count`
    /// strings of `valueLength` characters (e.g. `customerIdentifiers`).
    public mutating func stringListMap(
        _ field: String, keys: ClosedRange<Int>, keyLength: ClosedRange<Int>, count: ClosedRange<Int>, valueLength: ClosedRange<Int>
    ) -> [String: [String]]? {
        if recording != nil {
            record(field, .map(.array(.string(length: valueLength), count: count), keys: keys, keyLength: keyLength), required: false)
            return nil
        }
        guard let given = value(field, required: false) else { return nil }
        switch given {
        case .object(let map):
            if !keys.contains(map.count) {
                fail(field, "must have between \(keys.lowerBound) and \(keys.upperBound) keys", .sizeOutOfRange)
            }
            var result: [String: [String]] = [:]
            for key in map.keys.sorted() {
                let path = "\(field).\(key)"
                if !keyLength.contains(key.count) {
                    fail(path, "key size must be between \(keyLength.lowerBound) and \(keyLength.upperBound)", .sizeOutOfRange)
                }
                guard case .array(let values)? = map[key] else {
                    fail(path, "must be an array of strings", .invalidType)
                    continue
                }
                if !count.contains(values.count) {
                    fail(path, "must have between \(count.lowerBound) and \(count.upperBound) values", .sizeOutOfRange)
                }
                var strings: [String] = []
                for (index, value) in values.enumerated() {
                    guard case .string(let text) = value else {
                        fail("\(path)[\(index)]", "must be a string, not \(value.typeName)", .invalidType)
                        continue
                    }
                    if !valueLength.contains(text.count) {
                        fail("\(path)[\(index)]", "size must be between \(valueLength.lowerBound) and \(valueLength.upperBound)", .sizeOutOfRange)
                    }
                    strings.append(text)
                }
                result[key] = strings
            }
            return result
        case let other:
            fail(field, "must be an object, not \(other.typeName)", .invalidType)
            return nil
        }
    }

    /// A nested object read by `read` with its own reader; its violations are reported here
    /// under `field.` (`body.elementText.text`). `nil` when absent, not an object, or invalid.
    public mutating func object<T>(_ field: String, required: Bool = false, _ read: (inout FieldReader) -> T?) -> T? {
        if recording != nil {
            var nested = FieldReader(nested: [:], recording: true)
            _ = read(&nested)
            record(field, nested.recording?.schema ?? .any, required: required)
            return nil
        }
        guard let given = value(field, required: required) else { return nil }
        switch given {
        case .object(let inner):
            var nested = FieldReader(nested: inner, recording: false)
            let value = read(&nested)
            adopt(nested, under: field)
            return nested.violations.isEmpty ? value : nil
        case let other:
            fail(field, "must be an object, not \(other.typeName)", .invalidType)
            return nil
        }
    }

    /// Takes over the violations of a nested reader, their fields moved under `path`
    /// (`elementText` + `text` → `elementText.text`).
    mutating func adopt(_ nested: FieldReader, under path: String) {
        for violation in nested.violations {
            var moved = violation
            moved.field = "\(path).\(violation.field)"
            violations.append(moved)
        }
    }

    // MARK: Recording

    /// The schema recorded so far (in recording mode).
    struct Recording: Sendable {
        var properties: [String: JSONSchema] = [:]
        var required: [String] = []
        var closed = false
        var description: String?

        var schema: JSONSchema {
            let schema = JSONSchema.object(properties, required: required, closed: closed)
            return description.map { schema.described($0) } ?? schema
        }
    }

    /// Records `schema` for `field` (in recording mode; nothing otherwise).
    mutating func record(_ field: String, _ schema: JSONSchema, required: Bool) {
        // Absent and null are the same to the reader: an optional field may be null.
        recording?.properties[field] = required ? schema : schema.nullable
        if required { recording?.required.append(field) }
    }

    /// Where the top-level reader of a recording run leaves its schema.
    final class Recorder: Sendable {
        private let recorded = Mutex<JSONSchema?>(nil)

        func deposit(_ schema: JSONSchema) {
            recorded.withLock { if $0 == nil { $0 = schema } }
        }

        var schema: JSONSchema? { recorded.withLock { $0 } }
    }

    @TaskLocal static var recorder: Recorder?

    /// The JSON Schema of the bodies `validate` accepts, recorded by running it once on an empty
    /// object with every ``FieldReader`` it creates in recording mode.
    ///
    /// `validate` must build its reader with ``init(_:)`` and call ``check()`` once it has read
    /// every field (as every validator does). What it throws after that is expected (a
    /// recording reader returns no values) and ignored; nothing else is.
    public static func schema<T>(of validate: ([String: JSONValue]) throws -> T) -> JSONSchema {
        let recorder = Recorder()
        $recorder.withValue(recorder) {
            do {
                _ = try validate([:])
            } catch {
                // Expected: required values are nil while recording. The schema is already deposited.
            }
        }
        return recorder.schema ?? .object([:], closed: false)
    }
}

/// A rule on a string's content, with its JSON Schema `pattern`/`format` and the Swift check the
/// validator runs; both live here so that they are written once.
public struct FieldPattern: Sendable {
    /// ECMA-262 regular expression for the schema, if any.
    public let pattern: String?
    /// JSON Schema `format`, if any.
    public let format: String?
    /// The violation message when `isValid` is false.
    public let message: String
    /// The check the validator runs.
    public let isValid: @Sendable (String) -> Bool

    public init(pattern: String? = nil, format: String? = nil, message: String, isValid: @escaping @Sendable (String) -> Bool) {
        self.pattern = pattern
        self.format = format
        self.message = message
        self.isValid = isValid
    }

    /// A UUID (`integrationId`).
    public static let uuid = FieldPattern(
        pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", message: "must match the UUID pattern",
        isValid: Identifiers.isValidUUID)

    /// Six ASCII letters (`accountId`).
    public static let accountId = FieldPattern(pattern: "^[a-zA-Z]{6}$", message: "must match ^[a-zA-Z]{6}$", isValid: Identifiers.isValidAccountId)

    /// An RFC 3339 timestamp.
    public static let timestamp = FieldPattern(format: "date-time", message: "must be an RFC 3339 timestamp") { Timestamp.parse($0) != nil }

    /// A file-safe name (snapshots, recordings): letters, digits, `.`, `_`, `-`, not starting with `.`.
    public static let fileName = FieldPattern(
        pattern: "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$", message: "must be 1-64 letters, digits, '.', '_' or '-', not starting with '.'"
    ) { name in
        (1...64).contains(name.utf8.count) && !name.hasPrefix(".")
            && name.utf8.allSatisfy { byte in
                (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 46 || byte == 95 || byte == 45
            }
    }
}
