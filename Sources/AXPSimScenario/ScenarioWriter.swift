import AXPSimCore
import Foundation

/// Writes a ``Scenario`` as YAML in the form of `scenarios/` (what the recorder saves). Parsing the
/// result with ``ScenarioParser`` gives back an equal scenario.
public enum ScenarioWriter {
    /// The scenario as a YAML document (ends with a newline).
    public static func yaml(_ scenario: Scenario) -> String {
        var lines: [String] = []
        lines.append("name: \(plain(scenario.name))")
        if let description = scenario.description { lines.append("description: \(quoted(description))") }
        if let integration = scenario.integration { lines.append("integration: \(plain(integration))") }
        lines.append("steps:")
        steps(scenario.steps, indent: "  ", into: &lines)
        if let customer = scenario.customer {
            lines.append("customer:")
            for entry in customer { lines.append("  - " + customerStep(entry.step)) }
        }
        if let timeline = scenario.timeline {
            lines.append("timeline:")
            for entry in timeline {
                var fields = ["at: \(number(entry.at))", "actor: \(plain(entry.actor))", "kind: \(plain(entry.kind))"]
                if let text = entry.text { fields.append("text: \(quoted(text))") }
                lines.append("  - {" + fields.joined(separator: ", ") + "}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func steps(_ entries: [ScenarioStepEntry], indent: String, into lines: inout [String]) {
        for entry in entries {
            if case .expectCustomer(let matcher, let within, let onTimeout?) = entry.step {
                lines.append(indent + "- expect.customer:")
                let inner = indent + "    "
                lines.append(inner + matcherField(matcher))
                if let within { lines.append(inner + "within: \(ScenarioDuration.format(within))") }
                lines.append(inner + "onTimeout:")
                steps(onTimeout, indent: inner + "  ", into: &lines)
            } else {
                lines.append(indent + "- " + step(entry.step))
            }
        }
    }

    /// One step as one line of YAML, without the list's `- ` (an `expect.customer` with `onTimeout` is
    /// shown without its nested steps), e.g. for progress reports and replay diffs.
    public static func step(_ step: ScenarioStep) -> String {
        let kind = step.kind
        switch step {
        case .after(let seconds):
            return "after: \(ScenarioDuration.format(seconds))"
        case .queue(let position, let wait):
            return "queue: " + flow([("position", "\(position)"), ("estimatedWaitSeconds", wait.map { "\($0)" })])
        case .agentJoin(let name, let label):
            return "agent.join: " + flow([("name", name.map(plain)), ("as", label.map(plain))])
        case .agentSay(let text, let agent, let body?):
            // JSON is YAML's flow style: the body is written as its JSON text.
            _ = text
            return "agent.say: " + flow([("body", String(decoding: body.jsonData, as: UTF8.self)), ("agent", agent.map(plain))])
        case .agentSay(let text, let agent, nil):
            guard let agent else { return "agent.say: \(quoted(text))" }
            return "agent.say: " + flow([("text", quoted(text)), ("agent", plain(agent))])
        case .agentTyping(let agent), .agentLeave(let agent):
            return "\(kind): " + flow([("agent", agent.map(plain))])
        case .botSay(let text, let name):
            guard let name else { return "bot.say: \(quoted(text))" }
            return "bot.say: " + flow([("text", quoted(text)), ("name", plain(name))])
        case .expectCustomer(let matcher, let within, _):
            return "expect.customer: {" + matcherField(matcher) + (within.map { ", within: \(ScenarioDuration.format($0))" } ?? "") + "}"
        case .chatEnd(let reason):
            return "chat.end: " + flow([("reason", reason.map(plain))])
        case .tokenExpire, .tokenRevoke, .socketDrop, .sessionClose:
            return "\(kind): {}"
        case .expectRouted(let queue, let rule, let attributes):
            let values = attributes.map { map in flow(map.keys.sorted().map { (plain($0), quoted(map[$0] ?? "")) }) }
            return "expect.routed: " + flow([("queue", queue.map(plain)), ("rule", rule.map(plain)), ("routingAttributes", values)])
        case .fault(let rule):
            let match = flow([("method", rule.match.method.map(plain)), ("path", rule.match.path.map(plain)), ("event", rule.match.event.map(plain))])
            let action: String
            switch rule.action {
            case .delay(let milliseconds): action = "{delayMs: \(milliseconds)}"
            case .status(let status): action = "{status: \(status)}"
            case .drop: action = "{drop: true}"
            case .closeSocket: action = "{closeSocket: true}"
            }
            return "fault: "
                + flow([
                    ("match", match), ("action", action), ("probability", rule.probability == 1 ? nil : number(rule.probability)),
                    ("seed", rule.seed.map { "\($0)" }), ("count", rule.count.map { "\($0)" }),
                ])
        }
    }

    /// One customer step as one line of YAML, without the list's `- `.
    public static func customerStep(_ step: CustomerStep) -> String {
        let kind = step.kind
        switch step {
        case .chatStart(let device, let parameters, let context):
            func strings(_ map: [String: String]) -> String? {
                map.isEmpty ? nil : flow(map.keys.sorted().map { ($0.isEmpty ? quoted($0) : plain($0), quoted(map[$0] ?? "")) })
            }
            let identifiers = context.customerIdentifiers
            let lists =
                identifiers.isEmpty
                ? nil
                : flow(identifiers.keys.sorted().map { (plain($0), "[" + (identifiers[$0] ?? []).map(quoted).joined(separator: ", ") + "]") })
            return "chat.start: "
                + flow([
                    ("device", device.map(plain)), ("parameters", strings(parameters)), ("sessionParameters", strings(context.sessionParameters)),
                    ("verified", context.verified ? "true" : nil), ("customerIdentifiers", lists),
                ])
        case .join(let device):
            return "join: " + flow([("device", plain(device))])
        case .after(let seconds):
            return "after: \(ScenarioDuration.format(seconds))"
        case .say(let text, let device):
            guard let device else { return "say: \(quoted(text))" }
            return "say: " + flow([("text", quoted(text)), ("device", plain(device))])
        case .tokenRefresh(let device), .reconnect(let device), .disconnect(let device):
            return "\(kind): " + flow([("device", device.map(plain))])
        case .expectAgent(let matcher, let within):
            return "expect.agent: {" + matcherField(matcher) + (within.map { ", within: \(ScenarioDuration.format($0))" } ?? "") + "}"
        }
    }

    private static func matcherField(_ matcher: TextMatcher) -> String {
        switch matcher {
        case .regex(let pattern): "matches: \(quoted(pattern))"
        case .exact(let text): "equals: \(quoted(text))"
        }
    }

    /// `{key: value, …}` of the present values (values already written as YAML).
    private static func flow(_ fields: [(String, String?)]) -> String {
        "{" + fields.compactMap { key, value in value.map { "\(key): \($0)" } }.joined(separator: ", ") + "}"
    }

    /// A number as YAML: an integer when it is whole, else Swift's shortest exact form.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return "\(Int(value))" }
        return "\(value)"
    }

    /// `text` as a plain scalar when that reads back as the same string (also inside `{…}`), else quoted.
    static func plain(_ text: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-/ "))
        let reserved: Set<String> = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"]
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
            CharacterSet.letters.contains(first) || first == "/" || first == "_",
            last != " ", !text.contains("  "),
            text.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) }),
            !reserved.contains(text.lowercased())
        else { return quoted(text) }
        return text
    }

    /// `text` as a double-quoted YAML scalar.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                let value = scalar.value
                if value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) || value == 0x2028 || value == 0x2029 || value == 0xFEFF {
                    result += String(format: "\\u%04X", value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
