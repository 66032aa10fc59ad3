import AXPSimCore
import Foundation

/// How an `expect.*` step recognises a message: `matches: "(?i)refund"` (a regular expression, found
/// anywhere in the text) or `equals: "exact text"` (the whole text, exactly).
public enum TextMatcher: Sendable, Equatable, Codable {
    /// An `NSRegularExpression` pattern; it matches when found anywhere in the message.
    case regex(String)
    /// The exact message text.
    case exact(String)

    /// Whether `text` satisfies the matcher (a pattern that does not compile matches nothing; the parser
    /// rejects such patterns).
    public func matches(_ text: String) -> Bool {
        switch self {
        case .exact(let expected):
            return text == expected
        case .regex(let pattern):
            guard let expression = try? NSRegularExpression(pattern: pattern) else { return false }
            return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
    }

    /// The compile error of `pattern`, or nil when it is a valid `NSRegularExpression`.
    public static func regexError(_ pattern: String) -> String? {
        do {
            _ = try NSRegularExpression(pattern: pattern)
            return nil
        } catch {
            return "\(error.localizedDescription)"
        }
    }
}
