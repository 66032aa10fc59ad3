import Foundation

/// Matches a method and path against registered patterns. A pattern is a `/`-separated list of
/// segments: literals, `{name}` parameters, and `{name}:verb` (a parameter followed by a literal
/// custom-method suffix, as in `/engagements/{engagementId}:join`).
public struct Router<Handler: Sendable>: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(name: String, suffix: String)
    }

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
                guard part.hasSuffix(suffix), part.count > suffix.count else { return nil }
                if suffix.isEmpty, part.contains(":") { return nil }
            }
        }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let literal):
                guard part == literal else { return nil }
            case .parameter(let name, let suffix):
                guard part.hasSuffix(suffix), part.count > suffix.count else { return nil }
                let value = part.dropLast(suffix.count)
                if suffix.isEmpty, value.contains(":") { return nil }
                parameters[name] = String(value)
            }
        }
        return parameters
    }
}
