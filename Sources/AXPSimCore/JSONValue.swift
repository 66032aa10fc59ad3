import Foundation

/// A JSON document as a value, used to validate request bodies field by field (so that every
/// violation can be reported, not only the first decoding error).
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses a request body. Throws ``AXPSimError/malformedJSON(_:)`` for anything that is not JSON.
    public static func parse(_ data: Data) throws(AXPSimError) -> JSONValue {
        guard !data.isEmpty else { throw .malformedJSON("the body is empty") }
        if let value = JSONReader.value(Array(data)) { return value }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw .malformedJSON(context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription)
        } catch {
            throw .malformedJSON("\(error)")
        }
    }

    /// Parses a body that must be a JSON object.
    public static func parseObject(_ data: Data) throws(AXPSimError) -> [String: JSONValue] {
        guard case .object(let object) = try parse(data) else {
            throw .malformedJSON("the body must be a JSON object")
        }
        return object
    }

    /// The JSON type's name, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue {
    /// A timestamp string (RFC 3339 with milliseconds).
    public static func date(_ date: Date) -> JSONValue { .string(Timestamp.format(date)) }

    /// A string, or null.
    public static func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }

    /// An object of strings.
    public static func strings(_ map: [String: String]) -> JSONValue { .object(map.mapValues { .string($0) }) }

    /// Compact JSON text with sorted keys (written by ``writtenJSON()``, with `JSONEncoder`'s
    /// bytes).
    public var jsonData: Data {
        if let written = writtenJSON() { return Data(written) }
        return encodedJSON
    }

    /// ``jsonData`` as `JSONEncoder` writes it.
    var encodedJSON: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    /// Parses stored JSON text (trusted, written by axpsim); null when unreadable.
    public static func stored(_ text: String?) -> JSONValue {
        guard let text else { return .null }
        if let value = JSONReader.value(Array(text.utf8)) { return value }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return .null }
        return value
    }

    /// The object's fields, or empty.
    public var objectValue: [String: JSONValue] {
        if case .object(let object) = self { return object }
        return [:]
    }

    /// The string, or nil.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The array's items, or empty.
    public var arrayValue: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }

    /// The integer, or nil.
    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }
}
