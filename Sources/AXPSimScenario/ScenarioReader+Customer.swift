import AXPSimCore
import AXPSimFixtures
import Foundation
import Yams

extension ScenarioReader {
    /// The `customer:` list; nil when it is not a list.
    func customerStepList(_ node: Node) -> [CustomerStepEntry]? {
        guard let items = yaml.sequence(node, "customer") else { return nil }
        if items.isEmpty {
            yaml.report(node, "customer is empty", hint: "start with - chat.start: {}, or remove 'customer:'")
        }
        return items.compactMap { customerStep($0) }
    }

    /// One customer step.
    func customerStep(_ node: Node) -> CustomerStepEntry? {
        guard
            let (key, kind, value) = stepHead(
                node, kinds: CustomerStep.kinds, otherKinds: ScenarioStep.kinds, side: "customer", otherSide: "contact-center")
        else { return nil }
        let (line, column) = Self.position(key)
        return parseCustomerStep(kind, value: value, at: key).map { CustomerStepEntry($0, line: line, column: column) }
    }

    private func parseCustomerStep(_ kind: String, value: Node?, at key: Node) -> CustomerStep? {
        switch kind {
        case "chat.start":
            let allowed = ["device", "parameters", "sessionParameters", "verified", "customerIdentifiers"]
            guard let fields = arguments(value, at: key, kind: kind, allowed: allowed) else { return nil }
            let device = optionalWord(fields["device"], "device")
            let parameters = fields["parameters"].flatMap { self.parameters($0) }
            let sessionParameters = fields["sessionParameters"].flatMap { self.parameters($0) }
            let verified = fields["verified"].flatMap { yaml.bool($0, "verified") }
            let identifiers = fields["customerIdentifiers"].flatMap { identifierLists($0) }
            if let node = fields["customerIdentifiers"], verified != true {
                yaml.report(node, "customerIdentifiers are kept only for a verified customer", hint: "add verified: true")
                return nil
            }
            guard let device, fields["parameters"] == nil || parameters != nil, fields["sessionParameters"] == nil || sessionParameters != nil,
                fields["verified"] == nil || verified != nil, fields["customerIdentifiers"] == nil || identifiers != nil
            else { return nil }
            let context = ChatStartContext(
                sessionParameters: sessionParameters ?? [:], verified: verified ?? false, customerIdentifiers: identifiers ?? [:])
            return .chatStart(device: device, parameters: parameters ?? [:], context: context)
        case "join":
            if isText(value), let value { return word(value, "join's device").map { .join(device: $0) } }
            guard let fields = arguments(value, at: key, kind: kind, allowed: ["device"], required: ["device"]),
                let device = fields["device"].flatMap({ word($0, "device") })
            else { return nil }
            return .join(device: device)
        case "after":
            guard let value, value.null == nil else {
                yaml.report(key, "after needs a duration", hint: ScenarioDuration.forms)
                return nil
            }
            return duration(value, "after").map { .after(seconds: $0) }
        case "say":
            if isText(value), let value { return message(value, "say").map { .say(text: $0, device: nil) } }
            guard let fields = arguments(value, at: key, kind: kind, allowed: ["text", "device"], required: ["text"]) else { return nil }
            let text = fields["text"].flatMap { message($0, "text") }
            let device = optionalWord(fields["device"], "device")
            guard let text, let device else { return nil }
            return .say(text: text, device: device)
        case "token.refresh", "reconnect", "disconnect":
            let device: String??
            if isText(value), let value {
                device = word(value, "\(kind)'s device").map { .some($0) }
            } else {
                guard let fields = arguments(value, at: key, kind: kind, allowed: ["device"]) else { return nil }
                device = optionalWord(fields["device"], "device")
            }
            guard let device else { return nil }
            switch kind {
            case "token.refresh": return .tokenRefresh(device: device)
            case "reconnect": return .reconnect(device: device)
            default: return .disconnect(device: device)
            }
        case "expect.agent":
            guard let fields = arguments(value, at: key, kind: kind, allowed: ["matches", "equals", "within"]) else { return nil }
            let matcher = matcher(fields, at: key, kind: kind)
            let within = fields["within"].flatMap { duration($0, "within") }
            guard let matcher, fields["within"] == nil || within != nil else { return nil }
            return .expectAgent(matcher: matcher, within: within)
        default:
            return nil
        }
    }

    /// `parameters: {topic: refund, …}`: string values by name.
    private func parameters(_ node: Node) -> [String: String]? {
        guard let mapping = node.mapping else {
            yaml.report(node, "parameters must be a mapping (name: value), not \(describe(node))", hint: "e.g. parameters: {topic: refund}")
            return nil
        }
        var result: [String: String] = [:]
        var valid = true
        for (keyNode, value) in mapping {
            guard let name = keyNode.scalar?.string, !name.isEmpty else {
                yaml.report(keyNode, "a parameter name must be a string")
                valid = false
                continue
            }
            guard let scalar = value.scalar, value.null == nil else {
                yaml.report(value, "parameter '\(name)' must be a string, not \(describe(value))", hint: "quote it: \(name): \"…\"")
                valid = false
                continue
            }
            if result[name] != nil {
                yaml.report(keyNode, "duplicate parameter '\(name)'")
                valid = false
            }
            result[name] = scalar.string
        }
        return valid ? result : nil
    }

    /// `customerIdentifiers: {tier: [gold], email: [a@b.c]}` (a single value may stand for its list).
    private func identifierLists(_ node: Node) -> [String: [String]]? {
        guard let map = yaml.mapping(node, "customerIdentifiers", allowed: node.mapping?.keys.compactMap(\.string) ?? []) else { return nil }
        var result: [String: [String]] = [:]
        for (key, value) in map {
            if let items = value.sequence {
                let strings = items.compactMap { yaml.string($0, "an identifier of \(key)") }
                guard strings.count == items.count else { return nil }
                result[key] = strings
            } else {
                guard let single = yaml.string(value, "an identifier of \(key)") else { return nil }
                result[key] = [single]
            }
        }
        return result
    }
}
