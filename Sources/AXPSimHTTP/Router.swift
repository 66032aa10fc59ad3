import Foundation

/// Matches a method and path against registered patterns. A pattern is a `/`-separated list of
/// segments: literals, `{name}` parameters, and `{name}:verb` (a parameter followed by a literal
/// custom-method suffix, as in `/engagements/{engagementId}:join`).
public struct Router<Handler: Sendable>: Sendable {
    typealias Segment = RoutePattern.Segment

    struct Route: Sendable {
        let method: String
        let segments: [Segment]
        let pattern: String
        let handler: Handler
    }

    /// The outcome of a lookup.
    public enum Match: Sendable where Handler: Sendable {
        case found(Handler, parameters: [String: String], pattern: String)
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private var routes: [Route] = []

    public init() {}

    /// Registers `handler` for `method` on `pattern`.
    public mutating func add(_ method: String, _ pattern: String, _ handler: Handler) {
        routes.append(Route(method: method.uppercased(), segments: Self.parse(pattern), pattern: pattern, handler: handler))
    }

    /// Every registered (method, pattern), in registration order.
    public var patterns: [(method: String, pattern: String)] {
        routes.map { ($0.method, $0.pattern) }
    }

    /// Finds the route for `method` and `path`.
    public func match(method: String, path: String) -> Match {
        let parts = Self.split(path)
        let method = method.headerNameUppercased
        var allowed: [String] = []
        for index in routes.indices where routes[index].segments.count == parts.count {
            guard let parameters = Self.bind(routes[index].segments, to: parts) else { continue }
            let route = routes[index]
            if route.method == method {
                return .found(route.handler, parameters: parameters, pattern: route.pattern)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    /// The handler of the first route whose pattern matches `path`, whatever its method.
    public func anyHandler(path: String) -> Handler? {
        let parts = Self.split(path)
        return routes.first { Self.bind($0.segments, to: parts) != nil }?.handler
    }

    static func split(_ path: String) -> [Substring] { RoutePattern.split(path) }

    static func parse(_ pattern: String) -> [Segment] { RoutePattern.parse(pattern) }

    static func bind(_ segments: [Segment], to parts: [Substring]) -> [String: String]? { RoutePattern.bind(segments, to: parts) }
}

/// The pattern matching of ``Router``, kept out of the generic type: it runs for every route
/// tried on every request, and unspecialized generic code pays for metadata lookups.
enum RoutePattern {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(name: String, suffix: String)
    }

    static func split(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    static func parse(_ pattern: String) -> [Segment] {
        split(pattern).map { part in
            guard part.hasPrefix("{"), let close = part.firstIndex(of: "}") else { return .literal(String(part)) }
            let name = String(part[part.index(after: part.startIndex)..<close])
            return .parameter(name: name, suffix: String(part[part.index(after: close)...]))
        }
    }

    static func bind(_ segments: [Segment], to parts: [Substring]) -> [String: String]? {
        guard segments.count == parts.count else { return nil }
        // Checked first without building anything: most routes tried do not match.
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let literal):
                guard part == literal else { return nil }
            case .parameter(_, let suffix):
                guard hasValue(part, suffix: suffix) else { return nil }
            }
        }
        var parameters: [String: String] = [:]
        for case let (.parameter(name, suffix), part) in zip(segments, parts) {
            parameters[name] = String(part.dropLast(suffix.count))
        }
        return parameters
    }

    /// True when `part` is a value followed by `suffix` (a literal such as `:join`, or empty): a
    /// non-empty value, and without a suffix no `:` in it. Compared on UTF-8 bytes (no Foundation
    /// string search).
    static func hasValue(_ part: Substring, suffix: String) -> Bool {
        let bytes = part.utf8
        let tail = suffix.utf8
        guard bytes.count > tail.count, bytes.suffix(tail.count).elementsEqual(tail) else { return false }
        return !tail.isEmpty || !bytes.contains(UInt8(ascii: ":"))
    }
}
