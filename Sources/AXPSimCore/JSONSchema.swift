import Foundation

/// A JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it) built from Swift values.
///
/// Request schemas are recorded from the validators themselves (``FieldReader/schema(of:)``);
/// response schemas are written next to the code that encodes each shape. A schema carries the
/// named schemas it references (``definitions``), so the OpenAPI document collects its
/// `components/schemas` from the routes without a separate list that could drift.
public struct JSONSchema: Sendable, Equatable {
    /// The schema itself.
    public var json: [String: JSONValue]
    /// Named schemas referenced (directly or not) by this one, by name.
    public var definitions: [String: [String: JSONValue]]

    /// A schema of raw keywords.
    public init(_ json: [String: JSONValue], definitions: [String: [String: JSONValue]] = [:]) {
        self.json = json
        self.definitions = definitions
    }

    /// The empty schema: any JSON value.
    public static let any = JSONSchema([:])
    /// `true`/`false`.
    public static let boolean = JSONSchema(["type": "boolean"])
    /// Any JSON number.
    public static let number = JSONSchema(["type": "number"])
    /// An RFC 3339 timestamp as axpsim writes it.
    public static let timestamp = JSONSchema(["type": "string", "format": "date-time"])

    /// A string with optional length bounds, pattern, format or allowed values.
    public static func string(
        length: ClosedRange<Int>? = nil, pattern: String? = nil, format: String? = nil, oneOf allowed: [String]? = nil
    ) -> JSONSchema {
        var json: [String: JSONValue] = ["type": "string"]
        if let length {
            if length.lowerBound > 0 { json["minLength"] = .int(Int64(length.lowerBound)) }
            json["maxLength"] = .int(Int64(length.upperBound))
        }
        if let pattern { json["pattern"] = .string(pattern) }
        if let format { json["format"] = .string(format) }
        if let allowed { json["enum"] = .array(allowed.map { .string($0) }) }
        return JSONSchema(json)
    }

    /// An integer, optionally within `range`.
    public static func integer(_ range: ClosedRange<Int>? = nil) -> JSONSchema {
        var json: [String: JSONValue] = ["type": "integer"]
        if let range {
            json["minimum"] = .int(Int64(range.lowerBound))
            json["maximum"] = .int(Int64(range.upperBound))
        }
        return JSONSchema(json)
    }

    /// A number (integer or decimal), optionally within `range`.
    public static func number(range: ClosedRange<Double>?) -> JSONSchema {
        var json: [String: JSONValue] = ["type": "number"]
        if let range {
            json["minimum"] = .double(range.lowerBound)
            json["maximum"] = .double(range.upperBound)
        }
        return JSONSchema(json)
    }

    /// A constant value.
    public static func constant(_ value: JSONValue) -> JSONSchema { JSONSchema(["const": value]) }

    /// An array of `items`, optionally with a bounded count.
    public static func array(_ items: JSONSchema, count: ClosedRange<Int>? = nil) -> JSONSchema {
        var json: [String: JSONValue] = ["type": "array", "items": .object(items.json)]
        if let count {
            if count.lowerBound > 0 { json["minItems"] = .int(Int64(count.lowerBound)) }
            json["maxItems"] = .int(Int64(count.upperBound))
        }
        return JSONSchema(json, definitions: items.definitions)
    }

    /// An object of named properties. `closed` forbids properties not listed.
    public static func object(_ properties: [String: JSONSchema], required: [String] = [], closed: Bool = true) -> JSONSchema {
        var json: [String: JSONValue] = ["type": "object", "properties": .object(properties.mapValues { .object($0.json) })]
        if !required.isEmpty { json["required"] = .array(required.sorted().map { .string($0) }) }
        if closed { json["additionalProperties"] = false }
        return JSONSchema(json, definitions: merged(properties.values))
    }

    /// An object whose every property is required.
    public static func record(_ properties: [String: JSONSchema], closed: Bool = true) -> JSONSchema {
        object(properties, required: Array(properties.keys), closed: closed)
    }

    /// An object used as a map: any keys, each value matching `values`.
    public static func map(_ values: JSONSchema, keys: ClosedRange<Int>? = nil, keyLength: ClosedRange<Int>? = nil) -> JSONSchema {
        var json: [String: JSONValue] = ["type": "object", "additionalProperties": .object(values.json)]
        if let keys {
            if keys.lowerBound > 0 { json["minProperties"] = .int(Int64(keys.lowerBound)) }
            json["maxProperties"] = .int(Int64(keys.upperBound))
        }
        if let keyLength { json["propertyNames"] = .object(string(length: keyLength).json) }
        return JSONSchema(json, definitions: values.definitions)
    }

    /// Any of `schemas`.
    public static func anyOf(_ schemas: [JSONSchema]) -> JSONSchema {
        JSONSchema(["anyOf": .array(schemas.map { .object($0.json) })], definitions: merged(schemas))
    }

    /// A reference to a named schema (collected into `components/schemas`).
    public static func ref(_ name: String, _ schema: JSONSchema) -> JSONSchema {
        var definitions = schema.definitions
        definitions[name] = schema.json
        return JSONSchema(["$ref": .string("#/components/schemas/\(name)")], definitions: definitions)
    }

    /// This schema, or `null`.
    public var nullable: JSONSchema {
        if case .string(let type)? = json["type"] {
            var copy = self
            copy.json["type"] = .array([.string(type), "null"])
            if case .array(let values)? = json["enum"] { copy.json["enum"] = .array(values + [.null]) }
            return copy
        }
        return JSONSchema.anyOf([self, JSONSchema(["type": "null"])])
    }

    /// This schema with a description.
    public func described(_ text: String) -> JSONSchema {
        var copy = self
        copy.json["description"] = .string(text)
        return copy
    }

    /// This object schema with more properties (for shapes that extend another).
    public func adding(_ properties: [String: JSONSchema], required: [String] = []) -> JSONSchema {
        var copy = self
        var existing = copy.json["properties"]?.objectValue ?? [:]
        for (name, schema) in properties { existing[name] = .object(schema.json) }
        copy.json["properties"] = .object(existing)
        let names = Set((copy.json["required"].flatMap { value -> [String]? in
            guard case .array(let items) = value else { return nil }
            return items.compactMap(\.stringValue)
        } ?? []) + required)
        if !names.isEmpty { copy.json["required"] = .array(names.sorted().map { .string($0) }) }
        copy.definitions = Self.merged([copy] + Array(properties.values))
        return copy
    }

    /// This object schema without some properties.
    public func removing(_ names: Set<String>) -> JSONSchema {
        var copy = self
        var existing = copy.json["properties"]?.objectValue ?? [:]
        for name in names { existing[name] = nil }
        copy.json["properties"] = .object(existing)
        if case .array(let items)? = copy.json["required"] {
            copy.json["required"] = .array(items.filter { !names.contains($0.stringValue ?? "") })
        }
        return copy
    }

    private static func merged(_ schemas: some Sequence<JSONSchema>) -> [String: [String: JSONValue]] {
        var result: [String: [String: JSONValue]] = [:]
        for schema in schemas { result.merge(schema.definitions) { first, _ in first } }
        return result
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
