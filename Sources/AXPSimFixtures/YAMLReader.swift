import AXPSimCore
import Foundation
import Yams

/// Walks a YAML node tree and collects a ``Diagnostic`` (file, line, column, hint) for every
/// mistake instead of stopping at the first, so `axpsim validate` reports them all.
public final class YAMLReader {
    public let file: String
    public private(set) var diagnostics: [Diagnostic] = []

    public init(file: String) {
        self.file = file
    }

    /// The most nodes a document may stand for, counting every alias as a copy of the node it names.
    /// Aliases are shared, not copied, when a document is read, but the readers walk every use: a
    /// few hundred bytes of anchors that each name the previous one twice ("billion laughs") stand for
    /// billions of nodes. Fixture and scenario files have a few thousand at most.
    public static let maximumExpandedNodes = 100_000

    /// Parses `text`; a syntax error, or a document that expands to more than
    /// ``maximumExpandedNodes`` nodes, becomes a diagnostic and the result is nil.
    public func parse(_ text: String) -> Node? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                report(line: 1, column: 1, "the file is empty")
                return nil
            }
            if Self.expandsBeyond(Self.maximumExpandedNodes, node) {
                report(
                    line: 1, column: 1, "the file stands for more than \(Self.maximumExpandedNodes) values once its aliases (*name) are expanded",
                    hint: "use fewer aliases, or write the values out")
                return nil
            }
            return node
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                report(line: mark.line, column: mark.column, "YAML syntax error: \(problem)")
            default:
                report(line: 1, column: 1, "YAML error: \(error)")
            }
            return nil
        } catch {
            report(line: 1, column: 1, "YAML error: \(error)")
            return nil
        }
    }

    /// Whether `node` expands to more than `limit` nodes, aliases counted as copies. Walks without
    /// recursion and stops as soon as the limit is passed, so it costs at most `limit` steps.
    static func expandsBeyond(_ limit: Int, _ node: Node) -> Bool {
        var remaining = limit
        var pending = [node]
        while let next = pending.popLast() {
            remaining -= 1
            if remaining < 0 { return true }
            switch next {
            case .scalar, .alias:
                continue
            case .mapping(let mapping):
                for (key, value) in mapping {
                    pending.append(key)
                    pending.append(value)
                }
            case .sequence(let sequence):
                pending.append(contentsOf: sequence)
            }
        }
        return false
    }

    /// Records a mistake at `node`.
    public func report(_ node: Node?, _ message: String, hint: String? = nil) {
        report(line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message, hint: hint)
    }

    /// Records a mistake at a position.
    public func report(line: Int, column: Int, _ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(file: file, line: line, column: column, message: message, hint: hint))
    }

    /// A mapping's entries by key; reports keys outside `allowed` (with a "did you mean" hint)
    /// and missing `required` keys.
    public func mapping(_ node: Node, _ what: String, allowed: [String], required: [String] = []) -> [String: Node]? {
        guard let mapping = node.mapping else {
            report(node, "\(what) must be a mapping (key: value), not \(kind(of: node))")
            return nil
        }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                report(keyNode, "\(what) has a key that is not a string")
                continue
            }
            if !allowed.contains(key) {
                report(keyNode, "unknown key '\(key)' in \(what)", hint: Self.suggestion(for: key, among: allowed))
                continue
            }
            if result[key] != nil { report(keyNode, "duplicate key '\(key)' in \(what)") }
            result[key] = value
        }
        for key in required where result[key] == nil {
            report(node, "\(what) is missing '\(key)'", hint: "add '\(key): …'")
        }
        return result
    }

    /// A sequence's items.
    public func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard let sequence = node.sequence else {
            report(node, "\(what) must be a list (- item), not \(kind(of: node))")
            return nil
        }
        return Array(sequence)
    }

    /// A string scalar.
    public func string(_ node: Node?, _ what: String) -> String? {
        guard let node else { return nil }
        guard let scalar = node.scalar else {
            report(node, "\(what) must be a string, not \(kind(of: node))")
            return nil
        }
        return scalar.string
    }

    /// An integer scalar within `range`. YAML 1.1's base-60 form (`1:30`) is refused: Yams adds its
    /// parts up with trapping arithmetic, so a long one (`1:1:1:1:1:1:1:1:1:1:1:1`) stopped the process.
    public func int(_ node: Node?, _ what: String, range: ClosedRange<Int>) -> Int? {
        guard let node else { return nil }
        guard node.scalar?.string.contains(":") != true, let value = node.int else {
            report(node, "\(what) must be an integer", hint: "write a whole number between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        guard range.contains(value) else {
            report(node, "\(what) must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
            return nil
        }
        return value
    }

    /// A YAML value as JSON: mappings with string keys, sequences, and scalars resolved as YAML
    /// resolves them (null, booleans, integers, floats, else strings). A key that is not a string, or
    /// an alias, is reported as a mistake in `what` (e.g. "a message body") and the answer is nil.
    public func json(_ node: Node, in what: String) -> JSONValue? {
        switch node {
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.string else {
                    report(key, "a key of \(what) must be a string")
                    return nil
                }
                guard let item = json(value, in: what) else { return nil }
                object[name] = item
            }
            return .object(object)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for value in sequence {
                guard let item = json(value, in: what) else { return nil }
                items.append(item)
            }
            return .array(items)
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return .null }
                if let bool = node.bool { return .bool(bool) }
                if let int = node.int { return .int(Int64(int)) }
                if let double = node.float { return .double(double) }
            }
            return .string(scalar.string)
        case .alias:
            report(node, "aliases are not supported in \(what)")
            return nil
        }
    }

    /// A boolean scalar.
    public func bool(_ node: Node?, _ what: String) -> Bool? {
        guard let node else { return nil }
        guard let value = node.bool else {
            report(node, "\(what) must be true or false")
            return nil
        }
        return value
    }

    func kind(of node: Node) -> String {
        switch node {
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// "did you mean 'x'?" for the closest allowed word, when one is close.
    public static func suggestion(for word: String, among candidates: [String]) -> String {
        let best = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }.min { $0.1 < $1.1 }
        if let best, best.1 <= max(2, word.count / 3) { return "did you mean '\(best.0)'?" }
        return "allowed: \(candidates.joined(separator: ", "))"
    }

    /// Levenshtein distance, for "did you mean" hints.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
