import AXPSimCore
import AXPSimFixtures
import Foundation
import Yams

extension ScenarioReader {
    static let wordHint = "use ASCII letters, digits, '.', '_' or '-', starting with a letter or digit"

    /// Whether `text` is a word usable as a name, label or device: ASCII letters, digits, `.`, `_`, `-`
    /// (safe in a URL path), starting with a letter or digit, at most 100 characters.
    static func isWord(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.count <= 100 else { return false }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-"))
        return first.isASCII && CharacterSet.alphanumerics.contains(first)
            && text.unicodeScalars.allSatisfy { $0.isASCII && allowed.contains($0) }
    }

    /// A non-empty string scalar.
    func text(_ node: Node, _ what: String, maximumLength: Int = 1000) -> String? {
        guard let scalar = node.scalar else {
            yaml.report(node, "\(what) must be a string, not \(describe(node))", hint: "quote it: \(what): \"…\"")
            return nil
        }
        guard node.null == nil, !scalar.string.isEmpty else {
            yaml.report(node, "\(what) is empty", hint: "write \(what): \"…\", or leave it out if it is optional")
            return nil
        }
        guard scalar.string.count <= maximumLength else {
            yaml.report(node, "\(what) is \(scalar.string.count) characters long; at most \(maximumLength) are accepted")
            return nil
        }
        return scalar.string
    }

    /// A message body the contact center may send, written as YAML (SPEC 3.2): checked as the
    /// control plane checks one; each violation reported at the body with its field.
    func messageBody(_ node: Node) -> MessageBody? {
        guard let json = yaml.json(node, in: "a message body") else { return nil }
        do {
            return try MessageBody.agent(json, maxTextLength: Self.maximumTextLength)
        } catch {
            for violation in error.violations ?? [] { yaml.report(node, "\(violation.field) \(violation.message)") }
            if error.violations == nil { yaml.report(node, error.detail) }
            return nil
        }
    }

    /// A message text (at most the platform's body limit).
    func message(_ node: Node, _ what: String) -> String? {
        text(node, what, maximumLength: Self.maximumTextLength)
    }

    /// A word: an agent label, a device or a bot name.
    func word(_ node: Node, _ what: String) -> String? {
        guard let value = text(node, what) else { return nil }
        guard Self.isWord(value) else {
            yaml.report(node, "\(what) '\(value)' is not a single word", hint: Self.wordHint)
            return nil
        }
        return value
    }

    /// A duration in seconds (``ScenarioDuration``).
    func duration(_ node: Node, _ what: String) -> Double? {
        guard let scalar = node.scalar, node.null == nil else {
            yaml.report(node, "\(what) must be a duration, not \(describe(node))", hint: ScenarioDuration.forms)
            return nil
        }
        guard let seconds = ScenarioDuration.parse(scalar.string) else {
            yaml.report(node, "'\(scalar.string)' is not a duration", hint: ScenarioDuration.forms)
            return nil
        }
        guard seconds <= ScenarioDuration.maximumSeconds else {
            yaml.report(node, "\(what) of \(scalar.string) is longer than 30 days", hint: "scenarios cover at most 30 days")
            return nil
        }
        return seconds
    }

    /// `matches:` or `equals:` of an `expect.*` step: exactly one, a regex that compiles, a non-empty text.
    func matcher(_ fields: [String: Node], at key: Node, kind: String) -> TextMatcher? {
        switch (fields["matches"], fields["equals"]) {
        case (nil, nil):
            yaml.report(
                key, "\(kind) needs 'matches' (a regular expression) or 'equals' (the exact text)",
                hint: "e.g. \(kind): {matches: \"(?i)refund\", within: 5m}")
            return nil
        case (.some, .some(let equals)):
            yaml.report(equals, "\(kind) takes 'matches' or 'equals', not both", hint: "keep one of them")
            return nil
        case (.some(let node), nil):
            guard let pattern = message(node, "matches") else { return nil }
            if TextMatcher.regexError(pattern) != nil {
                yaml.report(
                    node, "'\(pattern)' is not a valid regular expression",
                    hint: "NSRegularExpression syntax; in YAML, write patterns with backslashes in single quotes: '\\d+'")
                return nil
            }
            return .regex(pattern)
        case (nil, .some(let node)):
            return message(node, "equals").map { .exact($0) }
        }
    }

    // MARK: Faults

    static let faultKeys = ["match", "action", "probability", "seed", "count"]
    static let faultMatchKeys = ["method", "path", "event"]

    func faultRule(_ value: Node?, at key: Node) -> FaultRule? {
        guard let fields = arguments(value, at: key, kind: "fault", allowed: Self.faultKeys, required: ["match", "action"]) else { return nil }
        let match = fields["match"].flatMap { faultMatch($0) }
        let action = fields["action"].flatMap { faultAction($0) }
        var probability: Double? = 1
        if let node = fields["probability"] {
            if let number = node.scalar.flatMap({ Double($0.string) }), (0...1).contains(number) {
                probability = number
            } else {
                yaml.report(node, "probability must be a number from 0 to 1", hint: "e.g. probability: 0.25 (default 1)")
                probability = nil
            }
        }
        let seed = fields["seed"].flatMap { yaml.int($0, "seed", range: Int.min...Int.max) }
        let count = fields["count"].flatMap { yaml.int($0, "count", range: 1...1_000_000) }
        guard let match, let action, let probability, fields["seed"] == nil || seed != nil, fields["count"] == nil || count != nil else { return nil }
        if case .status = action, match.event != nil, match.method == nil, match.path == nil {
            yaml.report(
                fields["action"] ?? key, "a status answers an HTTP request; a fault on events can use delayMs, drop or closeSocket",
                hint: "add a method or path to match, or pick another action")
            return nil
        }
        return FaultRule(match: match, action: action, probability: probability, seed: seed, count: count)
    }

    func faultMatch(_ node: Node) -> FaultMatch? {
        guard let fields = yaml.mapping(node, "a fault's match", allowed: Self.faultMatchKeys) else { return nil }
        guard !fields.isEmpty else {
            yaml.report(node, "a fault's match is empty", hint: "give at least one of method, path, event")
            return nil
        }
        var result = FaultMatch()
        var valid = true
        if let node = fields["method"], let method = text(node, "method") {
            if FaultMatch.methods.contains(method.uppercased()) {
                result.method = method.uppercased()
            } else {
                yaml.report(node, "unknown HTTP method '\(method)'", hint: "one of \(FaultMatch.methods.joined(separator: ", "))")
                valid = false
            }
        } else if fields["method"] != nil {
            valid = false
        }
        if let node = fields["path"], let path = text(node, "path") {
            if path.hasPrefix("/") {
                result.path = path
            } else {
                yaml.report(node, "path '\(path)' must start with '/'", hint: "e.g. path: /sdk/digital/chat/v1/…")
                valid = false
            }
        } else if fields["path"] != nil {
            valid = false
        }
        if let node = fields["event"], let event = text(node, "event") {
            let names = EventType.allCases.map(\.rawValue)
            if names.contains(event.uppercased()) {
                result.event = event.uppercased()
            } else {
                let hint = Self.nearest(event.uppercased(), among: names).map { "did you mean '\($0)'? " } ?? ""
                yaml.report(node, "unknown event type '\(event)'", hint: hint + "event types: \(names.joined(separator: ", "))")
                valid = false
            }
        } else if fields["event"] != nil {
            valid = false
        }
        return valid ? result : nil
    }

    func faultAction(_ node: Node) -> FaultAction? {
        guard let fields = yaml.mapping(node, "a fault's action", allowed: FaultAction.keys) else { return nil }
        guard fields.count == 1, let (key, value) = fields.first else {
            yaml.report(
                node, "a fault's action has exactly one of \(FaultAction.keys.joined(separator: ", ")); this one has \(fields.count)",
                hint: "e.g. action: {status: 503}")
            return nil
        }
        switch key {
        case "delayMs":
            return yaml.int(value, "delayMs", range: 0...600_000).map { .delay(milliseconds: $0) }
        case "status":
            return yaml.int(value, "status", range: 100...599).map { .status($0) }
        default:
            guard let flag = yaml.bool(value, key) else { return nil }
            guard flag else {
                yaml.report(value, "\(key): false is no action", hint: "write \(key): true, or pick another action")
                return nil
            }
            return key == "drop" ? .drop : .closeSocket
        }
    }

    // MARK: Timeline

    static let timelineKeys = ["at", "actor", "kind", "text"]

    func timelineList(_ node: Node) -> [TimelineEntry]? {
        guard let items = yaml.sequence(node, "timeline") else { return nil }
        var result: [TimelineEntry] = []
        var previous: (at: Double, line: Int)?
        for item in items {
            guard let fields = yaml.mapping(item, "a timeline entry", allowed: Self.timelineKeys, required: ["at", "actor", "kind"]) else { continue }
            let at = fields["at"].flatMap { duration($0, "at") }
            var actor = fields["actor"].flatMap { text($0, "actor") }
            if let value = actor, !TimelineEntry.isValidActor(value), let node = fields["actor"] {
                yaml.report(
                    node, "actor '\(value)' is not one of the accepted forms", hint: "agent:NAME, bot:NAME, customer, customer:DEVICE or system")
                actor = nil
            }
            var kind = fields["kind"].flatMap { text($0, "kind") }
            if let value = kind, !Self.isWord(value), let node = fields["kind"] {
                yaml.report(node, "kind '\(value)' is not a single word", hint: "e.g. message, join, leave, end, queue, typing, tokenReminder")
                kind = nil
            }
            var entryText: String?
            if let node = fields["text"] {
                guard let scalar = node.scalar else {
                    yaml.report(node, "text must be a string, not \(describe(node))")
                    continue
                }
                entryText = node.null != nil ? nil : scalar.string
            }
            guard let at, let actor, let kind else { continue }
            let line = Self.position(item).line
            if let previous, at < previous.at {
                yaml.report(
                    fields["at"] ?? item, "the timeline goes back in time: at \(at) s after \(previous.at) s (line \(previous.line))",
                    hint: "keep entries in time order")
            }
            previous = (at, line)
            result.append(TimelineEntry(at: at, actor: actor, kind: kind, text: entryText, line: line))
        }
        return result
    }
}
