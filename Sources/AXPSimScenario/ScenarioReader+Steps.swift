import AXPSimCore
import AXPSimFixtures
import Foundation
import Yams

extension ScenarioReader {
    /// A list of contact-center steps (`steps:` or an `onTimeout:`); nil when it is not a list.
    func stepList(_ node: Node, _ what: String) -> [ScenarioStepEntry]? {
        guard let items = yaml.sequence(node, what) else { return nil }
        if items.isEmpty {
            yaml.report(
                node, "\(what) is empty",
                hint: what == "onTimeout"
                    ? "remove onTimeout to fail the run on a miss, or give steps" : "add at least one step, e.g. - agent.join: {name: Alice}")
        }
        return items.compactMap { step($0) }
    }

    /// One contact-center step.
    func step(_ node: Node) -> ScenarioStepEntry? {
        guard
            let (key, kind, value) = stepHead(
                node, kinds: ScenarioStep.kinds, otherKinds: CustomerStep.kinds, side: "contact-center", otherSide: "customer")
        else { return nil }
        let (line, column) = Self.position(key)
        return parseStep(kind, value: value, at: key).map { ScenarioStepEntry($0, line: line, column: column) }
    }

    private func parseStep(_ kind: String, value: Node?, at key: Node) -> ScenarioStep? {
        switch kind {
        case "after":
            guard let value, value.null == nil else {
                yaml.report(key, "after needs a duration", hint: ScenarioDuration.forms)
                return nil
            }
            return duration(value, "after").map { .after(seconds: $0) }
        case "queue":
            return queue(value, at: key)
        case "agent.join":
            if isText(value), let value {
                return text(value, "agent.join's name").map { .agentJoin(name: $0, as: nil) }
            }
            guard let fields = arguments(value, at: key, kind: kind, allowed: ["name", "as"]) else { return nil }
            let name = fields["name"].flatMap { text($0, "name") }
            let label = fields["as"].flatMap { word($0, "as") }
            if (fields["name"] != nil && name == nil) || (fields["as"] != nil && label == nil) { return nil }
            return .agentJoin(name: name, as: label)
        case "agent.say":
            if isText(value), let value { return message(value, "agent.say").map { .agentSay(text: $0, agent: nil) } }
            guard let fields = arguments(value, at: key, kind: kind, allowed: ["text", "body", "agent"]) else { return nil }
            let agent = optionalWord(fields["agent"], "agent")
            switch (fields["text"], fields["body"]) {
            case (let textNode?, nil):
                guard let text = message(textNode, "text"), let agent else { return nil }
                return .agentSay(text: text, agent: agent)
            case (nil, let bodyNode?):
                guard let body = messageBody(bodyNode), let agent else { return nil }
                return .agentSay(text: body.summary, agent: agent, body: body.stored)
            default:
                yaml.report(
                    value ?? key, "agent.say needs exactly one of text and body",
                    hint: "agent.say: \"Hi\", or agent.say: {body: {elementType: carousel, richMediaPayload: {items: [...]}}}")
                return nil
            }
        case "agent.typing", "agent.leave":
            let agent: String??
            if isText(value), let value {
                agent = word(value, "\(kind)'s agent").map { .some($0) }
            } else {
                guard let fields = arguments(value, at: key, kind: kind, allowed: ["agent"]) else { return nil }
                agent = optionalWord(fields["agent"], "agent")
            }
            guard let agent else { return nil }
            return kind == "agent.typing" ? .agentTyping(agent: agent) : .agentLeave(agent: agent)
        case "bot.say":
            if isText(value), let value { return message(value, "bot.say").map { .botSay(text: $0, name: nil) } }
            guard let fields = arguments(value, at: key, kind: kind, allowed: ["text", "name"], required: ["text"]) else { return nil }
            let text = fields["text"].flatMap { message($0, "text") }
            let name = fields["name"].flatMap { self.text($0, "name") }
            guard let text, fields["name"] == nil || name != nil else { return nil }
            return .botSay(text: text, name: name)
        case "expect.customer":
            return expectCustomer(value, at: key)
        case "chat.end":
            if isText(value), let value { return word(value, "chat.end's reason").map { .chatEnd(reason: $0) } }
            guard let fields = arguments(value, at: key, kind: kind, allowed: ["reason"]) else { return nil }
            guard let reason = optionalWord(fields["reason"], "reason") else { return nil }
            return .chatEnd(reason: reason)
        case "token.expire", "token.revoke", "socket.drop", "session.close":
            if let value, value.null == nil, value.mapping?.isEmpty != true {
                yaml.report(value, "\(kind) takes no arguments", hint: "write \(kind): {}")
                return nil
            }
            switch kind {
            case "token.expire": return .tokenExpire
            case "token.revoke": return .tokenRevoke
            case "socket.drop": return .socketDrop
            default: return .sessionClose
            }
        case "fault":
            return faultRule(value, at: key).map { .fault($0) }
        case "expect.routed":
            guard let fields = arguments(value, at: key, kind: kind, allowed: ["queue", "rule", "routingAttributes"]) else { return nil }
            if fields.isEmpty {
                yaml.report(value ?? key, "expect.routed needs at least one of queue, rule, routingAttributes", hint: "expect.routed: {queue: general}")
                return nil
            }
            let queue = fields["queue"].flatMap { text($0, "queue") }
            let rule = fields["rule"].flatMap { text($0, "rule") }
            let attributes = fields["routingAttributes"].flatMap { node -> [String: String]? in
                guard let map = yaml.mapping(node, "routingAttributes", allowed: node.mapping?.keys.compactMap(\.string) ?? []) else { return nil }
                let values = map.compactMapValues { yaml.string($0, "a routing attribute") }
                return values.count == map.count ? values : nil
            }
            guard (fields["queue"] == nil || queue != nil) && (fields["rule"] == nil || rule != nil)
                && (fields["routingAttributes"] == nil || attributes != nil)
            else { return nil }
            return .expectRouted(queue: queue, rule: rule, routingAttributes: attributes)
        default:
            return nil
        }
    }

    /// An optional word argument: `.some(nil)` when absent, nil when present but wrong.
    func optionalWord(_ node: Node?, _ what: String) -> String?? {
        guard let node else { return .some(nil) }
        guard let value = word(node, what) else { return nil }
        return .some(value)
    }

    private func queue(_ value: Node?, at key: Node) -> ScenarioStep? {
        let positions = 1...100_000
        if isText(value), let value {
            return yaml.int(value, "queue position", range: positions).map { .queue(position: $0, estimatedWaitSeconds: nil) }
        }
        guard let fields = arguments(value, at: key, kind: "queue", allowed: ["position", "estimatedWaitSeconds"], required: ["position"]) else {
            return nil
        }
        let position = fields["position"].flatMap { yaml.int($0, "position", range: positions) }
        let wait = fields["estimatedWaitSeconds"].flatMap { yaml.int($0, "estimatedWaitSeconds", range: 0...604_800) }
        guard let position, fields["estimatedWaitSeconds"] == nil || wait != nil else { return nil }
        return .queue(position: position, estimatedWaitSeconds: wait)
    }

    private func expectCustomer(_ value: Node?, at key: Node) -> ScenarioStep? {
        let kind = "expect.customer"
        guard let fields = arguments(value, at: key, kind: kind, allowed: ["matches", "equals", "within", "onTimeout"]) else { return nil }
        let matcher = matcher(fields, at: key, kind: kind)
        let within = fields["within"].flatMap { duration($0, "within") }
        let onTimeout = fields["onTimeout"].flatMap { stepList($0, "onTimeout") }
        if let node = fields["onTimeout"], fields["within"] == nil {
            yaml.report(node, "onTimeout needs 'within' (how long to wait before running it)", hint: "add within: 5m")
            return nil
        }
        guard let matcher, fields["within"] == nil || within != nil, fields["onTimeout"] == nil || onTimeout != nil else { return nil }
        return .expectCustomer(matcher: matcher, within: within, onTimeout: onTimeout)
    }
}
