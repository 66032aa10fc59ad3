import Foundation

/// Readers of numbers, case-insensitive keywords and arrays (of strings or of objects), for
/// bodies richer than flat objects (``MessageBody``). Like the readers of `FieldReader.swift`,
/// each one collects its violations and, in recording mode, records its schema instead.
extension FieldReader {
    /// Describes the object being read in the recorded schema: rules that its fields alone cannot
    /// say (a field required only for some values of another). Nothing happens outside recording.
    public mutating func describe(_ text: String) {
        recording?.description = text
    }

    /// A JSON number (integer or decimal) within `range`; `nil` when absent or invalid.
    public mutating func number(_ field: String, required: Bool = false, range: ClosedRange<Double>? = nil) -> Double? {
        if isRecording {
            record(field, .number(range: range), required: required)
            return nil
        }
        let number: Double
        guard let given = value(field, required: required) else { return nil }
        switch given {
        case .int(let integer):
            number = Double(integer)
        case .double(let decimal):
            number = decimal
        case let other:
            fail(field, "must be a number, not \(other.typeName)", .invalidType)
            return nil
        }
        if let range, !range.contains(number) {
            fail(field, "must be between \(Self.decimal(range.lowerBound)) and \(Self.decimal(range.upperBound))", .numberOutOfRange)
            return nil
        }
        return number
    }

    /// A string that must equal one of `allowed` up to letter case; answered in the spelling of
    /// `allowed` (`"TEXT"` → `"text"`, `"LOCATIONREQUEST"` → `"locationRequest"`). The recorded
    /// schema says so with a pattern that matches every casing of the allowed words.
    public mutating func keyword(_ field: String, required: Bool = false, oneOf allowed: [String]) -> String? {
        if isRecording {
            let schema = JSONSchema.string(pattern: Self.anyCasePattern(allowed))
                .described("One of \(allowed.joined(separator: ", ")), in any letter case")
            record(field, schema, required: required)
            return nil
        }
        guard let given = value(field, required: required) else { return nil }
        switch given {
        case .string(let value):
            let folded = value.lowercased()
            guard let match = allowed.first(where: { $0.lowercased() == folded }) else {
                fail(field, "must be one of \(allowed.joined(separator: ", ")) (any case)", .invalidValue)
                return nil
            }
            return match
        case let other:
            fail(field, "must be a string, not \(other.typeName)", .invalidType)
            return nil
        }
    }

    /// An array of `count` strings, each `length` long; `nil` when absent or invalid. Violations
    /// of one item are reported on `field[index]`.
    public mutating func strings(_ field: String, required: Bool = false, count: ClosedRange<Int>, length: ClosedRange<Int>? = nil) -> [String]? {
        if isRecording {
            record(field, .array(.string(length: length), count: count), required: required)
            return nil
        }
        return array(field, required: required, count: count) { reader, value, path in
            guard case .string(let text) = value else {
                reader.fail(path, "must be a string, not \(value.typeName)", .invalidType)
                return nil
            }
            if let length, !length.contains(text.count) {
                reader.fail(path, Self.sizeMessage(length), .sizeOutOfRange)
                return nil
            }
            return text
        }
    }

    /// An array of `count` objects, each read by `read` with its own reader; the violations of
    /// item `i` are reported under `field[i].` (`items[2].actions[0].uri`). `nil` when absent or
    /// when anything in it is invalid. In recording mode `read` runs once to record the items' schema.
    public mutating func objects<T>(_ field: String, required: Bool = false, count: ClosedRange<Int>, _ read: (inout FieldReader) -> T?) -> [T]? {
        if isRecording {
            var nested = FieldReader(nested: [:], recording: true)
            _ = read(&nested)
            record(field, .array(nested.recording?.schema ?? .any, count: count), required: required)
            return nil
        }
        return array(field, required: required, count: count) { reader, value, path in
            guard case .object(let inner) = value else {
                reader.fail(path, "must be an object, not \(value.typeName)", .invalidType)
                return nil
            }
            var nested = FieldReader(nested: inner, recording: false)
            let item = read(&nested)
            reader.adopt(nested, under: path)
            return nested.violations.isEmpty ? item : nil
        }
    }

    /// The array walk of ``strings(_:required:count:length:)`` and ``objects(_:required:count:_:)``:
    /// absent or null (a violation when required), not an array, or `count` items each read by
    /// `item` (which reports its own violations on the item's path, `field[index]`, and answers nil
    /// for an invalid item). `nil` when anything is invalid.
    private mutating func array<T>(
        _ field: String, required: Bool, count: ClosedRange<Int>, item: (inout FieldReader, JSONValue, String) -> T?
    ) -> [T]? {
        guard let given = value(field, required: required) else { return nil }
        switch given {
        case .array(let values):
            var valid = true
            if !count.contains(values.count) {
                fail(field, Self.sizeMessage(count), .sizeOutOfRange)
                valid = false
            }
            var result: [T] = []
            for (index, value) in values.enumerated() {
                if let read = item(&self, value, "\(field)[\(index)]") {
                    result.append(read)
                } else {
                    valid = false
                }
            }
            return valid ? result : nil
        case let other:
            fail(field, "must be an array, not \(other.typeName)", .invalidType)
            return nil
        }
    }

    /// The size message the string readers use, for arrays too (the platform words both alike).
    static func sizeMessage(_ range: ClosedRange<Int>) -> String {
        "size must be between \(range.lowerBound) and \(range.upperBound)"
    }

    /// A bound as people write it: `90`, `-180`, `0.5`.
    static func decimal(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// An ECMA-262 pattern matching exactly the `words`, in any letter case
    /// (`text` → `^(?:[Tt][Ee][Xx][Tt])$`).
    static func anyCasePattern(_ words: [String]) -> String {
        let alternatives = words.map { word in
            word.map { character -> String in
                let lower = character.lowercased()
                let upper = character.uppercased()
                if lower != upper { return "[\(upper)\(lower)]" }
                return "\\^$.|?*+()[]{}/".contains(character) ? "\\" + String(character) : String(character)
            }.joined()
        }
        return "^(?:\(alternatives.joined(separator: "|")))$"
    }
}
