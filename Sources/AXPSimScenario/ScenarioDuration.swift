import AXPSimCore
import Foundation

/// Durations in scenario YAML: a number of seconds (`20`, `1.5`) or numbers with units `ms`, `s`, `m`,
/// `h`, written together (`250ms`, `20s`, `5m`, `1h`, `1m30s`, `1.5s`). Named so as not to shadow the
/// standard library's `Duration`.
public enum ScenarioDuration {
    /// The accepted forms, for hints.
    public static let forms = "seconds as a number (20, 1.5) or with units: 250ms, 20s, 5m, 1h, 1m30s"

    /// The longest duration accepted anywhere in a scenario: 30 days.
    public static let maximumSeconds: Double = 30 * 86_400

    /// `text` in seconds, or nil when it is not a duration (negative, empty, unknown unit, …).
    public static func parse(_ text: String) -> Double? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        if let seconds = Double(text) { return seconds.isFinite && seconds >= 0 ? seconds : nil }
        var rest = Substring(text)
        var total: Double = 0
        var usedUnits: Set<String> = []
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number), value.isFinite else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = String(rest.prefix { $0.isASCII && $0.isLetter })
            rest = rest.dropFirst(unit.count)
            guard usedUnits.insert(unit).inserted else { return nil }
            switch unit {
            case "ms": total += value / 1000
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            default: return nil
            }
        }
        return total.isFinite ? total : nil
    }

    /// `seconds` written so that ``parse(_:)`` gives it back exactly: `1h`, `1m30s`, `45s`, `250ms`, or
    /// `1.25s` when no compact form is exact.
    public static func format(_ seconds: Double) -> String {
        if seconds == seconds.rounded(), seconds >= 0, seconds < 1e15 {
            let whole = Int(seconds)
            if whole == 0 { return "0s" }
            let hours = whole / 3600
            let minutes = whole % 3600 / 60
            let rest = whole % 60
            return (hours > 0 ? "\(hours)h" : "") + (minutes > 0 ? "\(minutes)m" : "") + (rest > 0 ? "\(rest)s" : "")
        }
        if seconds > 0, seconds < 1 {
            let milliseconds = (seconds * 1000).rounded()
            if milliseconds / 1000 == seconds { return "\(Int(milliseconds))ms" }
        }
        let number = "\(seconds)"
        return number.contains("e") ? number : number + "s"
    }
}
