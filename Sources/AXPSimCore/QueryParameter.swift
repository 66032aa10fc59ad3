import Foundation

/// A query parameter: how handlers read it and how the OpenAPI document describes it, from one
/// value so the two cannot disagree.
public struct QueryParameter: Sendable {
    /// What the parameter holds.
    public enum Kind: Sendable {
        /// An integer within `range`, `defaultValue` when absent or empty.
        case integer(range: ClosedRange<Int>, defaultValue: Int)
        /// Free text, optionally one of `allowed` (compared case-insensitively).
        case text(allowed: [String]?)
    }

    /// The parameter's name in the query string.
    public let name: String
    /// What it holds.
    public let kind: Kind
    /// What it does, for the OpenAPI document.
    public let description: String

    public init(_ name: String, _ kind: Kind, _ description: String) {
        self.name = name
        self.kind = kind
        self.description = description
    }

    /// An integer parameter.
    public static func integer(_ name: String, default value: Int, range: ClosedRange<Int>, _ description: String) -> QueryParameter {
        QueryParameter(name, .integer(range: range, defaultValue: value), description)
    }

    /// A text parameter.
    public static func text(_ name: String, oneOf allowed: [String]? = nil, _ description: String) -> QueryParameter {
        QueryParameter(name, .text(allowed: allowed), description)
    }

    /// The parameter's JSON Schema.
    public var schema: JSONSchema {
        switch kind {
        case .integer(let range, _): .integer(range)
        case .text(let allowed): .string(oneOf: allowed)
        }
    }

    /// The integer value in `query`, the default when absent, or a 400 violation.
    public func int(in query: [String: String]) throws(AXPSimError) -> Int {
        var violations: [Violation] = []
        let value = int(in: query, into: &violations)
        if !violations.isEmpty { throw .constraintViolation(violations) }
        return value
    }

    /// The integer value in `query`, or the default with a violation appended.
    public func int(in query: [String: String], into violations: inout [Violation]) -> Int {
        guard case .integer(let range, let defaultValue) = kind else { return 0 }
        guard let text = query[name], !text.isEmpty else { return defaultValue }
        guard let number = Int(text), range.contains(number) else {
            violations.append(
                Violation(field: name, message: "must be an integer between \(range.lowerBound) and \(range.upperBound)", code: .numberOutOfRange))
            return defaultValue
        }
        return number
    }

    /// The raw text value in `query`, or nil when absent (for free-text parameters).
    public func text(in query: [String: String]) -> String? {
        query[name]
    }

    /// The text value in `query` (upper-cased when the parameter has allowed values), or nil
    /// when absent; a value outside the allowed ones appends a violation.
    public func text(in query: [String: String], into violations: inout [Violation]) -> String? {
        guard let text = query[name] else { return nil }
        guard case .text(let allowed?) = kind else { return text }
        let value = text.uppercased()
        if !allowed.contains(value) {
            violations.append(Violation(field: name, message: "must be one of \(allowed.joined(separator: ", "))", code: .invalidValue))
            return nil
        }
        return value
    }
}
