import AXPSimCore
import AXPSimFixtures
import Foundation
import Yams

/// The first pass of ``ScenarioParser``: turns a YAML node tree into a ``Scenario``, checking the
/// shape of every value and reporting each mistake through a `YAMLReader` (which keeps going).
final class ScenarioReader {
    let yaml: YAMLReader

    init(file: String) {
        yaml = YAMLReader(file: file)
    }

    static let topKeys = ["name", "description", "integration", "steps", "customer", "timeline"]

    /// The longest message text accepted (the platform's default body limit).
    static let maximumTextLength = 4096

    func scenario(_ root: Node, knownIntegrations: Set<String>?) -> Scenario? {
        guard let top = yaml.mapping(root, "a scenario", allowed: Self.topKeys, required: ["steps"]) else { return nil }
        var name = ""
        if let node = top["name"] {
            if let value = text(node, "name") {
                if Self.isWord(value) {
                    name = value
                } else {
                    yaml.report(node, "name '\(value)' is not a valid scenario name", hint: Self.wordHint)
                }
            }
        } else {
            let stem = URL(fileURLWithPath: yaml.file).deletingPathExtension().lastPathComponent
            if Self.isWord(stem) {
                name = stem
            } else {
                yaml.report(
                    line: 1, column: 1, "the scenario has no name and its file name '\(stem)' is not a valid one",
                    hint: "add 'name: …'; " + Self.wordHint)
            }
        }
        let description = top["description"].flatMap { text($0, "description") }
        var integration: String?
        if let node = top["integration"], let value = text(node, "integration") {
            integration = value
            if let known = knownIntegrations, !known.contains(value), !known.contains(value.lowercased()) {
                let names = known.filter { !Identifiers.isValidUUID($0) }.sorted()
                let hint = Self.nearest(value, among: names).map { "did you mean '\($0)'? " } ?? ""
                yaml.report(
                    node, "unknown integration '\(value)'", hint: hint + "give an integration's name or id; names: \(names.joined(separator: ", "))")
            }
        }
        let steps = top["steps"].flatMap { stepList($0, "steps") } ?? []
        let customer = top["customer"].flatMap { customerStepList($0) }
        let timeline = top["timeline"].flatMap { timelineList($0) }
        return Scenario(
            name: name, description: description, integration: integration, steps: steps, customer: customer, timeline: timeline, file: yaml.file)
    }

    // MARK: Step heads

    /// Splits a list item into its kind and its value (nil for a bare `- token.expire`), reporting a
    /// malformed item, an unknown kind (with the nearest valid one) or a step of the other side.
    func stepHead(_ node: Node, kinds: [String], otherKinds: [String], side: String, otherSide: String) -> (key: Node, kind: String, value: Node?)? {
        let listing = "\(side) steps are: \(kinds.joined(separator: ", "))"
        let key: Node
        let value: Node?
        switch node {
        case .scalar:
            if node.null != nil {
                yaml.report(node, "an empty step", hint: "write '- kind: arguments'; " + listing)
                return nil
            }
            key = node
            value = nil
        case .mapping(let mapping):
            guard mapping.count == 1, let first = mapping.first else {
                if mapping.isEmpty {
                    yaml.report(node, "an empty step", hint: "write '- kind: arguments'; " + listing)
                } else {
                    let keys = mapping.keys.compactMap(\.string).joined(separator: ", ")
                    yaml.report(
                        node, "a step has exactly one kind, this one has \(mapping.count) keys (\(keys))",
                        hint: "start each step with '- ' on its own line and put its arguments in its value, e.g. agent.say: {text: …, agent: first}")
                }
                return nil
            }
            key = first.key
            value = first.value
        case .sequence, .alias:
            yaml.report(node, "a step must be 'kind: arguments', not \(describe(node))", hint: listing)
            return nil
        }
        guard let kind = key.scalar?.string else {
            yaml.report(key, "a step kind must be a word", hint: listing)
            return nil
        }
        if kinds.contains(kind) { return (key, kind, value) }
        if otherKinds.contains(kind) {
            yaml.report(
                key, "'\(kind)' is a \(otherSide) step, not a \(side) step",
                hint: "move it to the \(otherSide) side ('\(otherSide == "customer" ? "customer" : "steps"):')")
            return nil
        }
        yaml.report(key, "unknown step kind '\(kind)'", hint: Self.nearest(kind, among: kinds).map { "did you mean '\($0)'? " + listing } ?? listing)
        return nil
    }

    /// The valid word closest to `word` by edit distance, when it is close enough to be a typo.
    static func nearest(_ word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, YAMLReader.editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, word.count / 3) ? best.0 : nil
    }

    /// The arguments of a step: `{}`, nothing or null give no arguments; a mapping is checked against
    /// `allowed` and `required`; anything else is a mistake.
    func arguments(_ value: Node?, at key: Node, kind: String, allowed: [String], required: [String] = []) -> [String: Node]? {
        guard let value, value.null == nil else {
            for name in required { yaml.report(key, "\(kind) is missing '\(name)'", hint: "write \(kind): {\(name): …}") }
            return required.isEmpty ? [:] : nil
        }
        guard value.mapping != nil else {
            let example = allowed.isEmpty ? "{}" : "{" + allowed.map { "\($0): …" }.joined(separator: ", ") + "}"
            yaml.report(value, "the arguments of \(kind) must be a mapping, not \(describe(value))", hint: "write \(kind): \(example)")
            return nil
        }
        return yaml.mapping(value, "the arguments of \(kind)", allowed: allowed, required: required)
    }

    /// `nil` when the value is a plain text (`agent.say: "Hi"`), else the arguments mapping.
    func isText(_ value: Node?) -> Bool {
        guard let value, value.null == nil else { return false }
        return value.scalar != nil
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar: node.null != nil ? "null" : "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    static func position(_ node: Node) -> (line: Int, column: Int) {
        (node.mark?.line ?? 0, node.mark?.column ?? 0)
    }
}
