import AXPSimChat
import Foundation

/// What the test kit reports when the emulator answers other than a test expected.
public enum AXPSimTestError: Error, CustomStringConvertible, Sendable {
    /// The status was not the one expected; `body` is the answer's text (an RFC 7807 problem).
    case unexpectedStatus(method: String, path: String, status: Int, expected: Int, body: String)
    /// The answer was not the JSON the call expected.
    case unexpectedBody(path: String, detail: String)
    /// A fault rule dropped the connection.
    case connectionDropped(method: String, path: String)

    public var description: String {
        switch self {
        case .unexpectedStatus(let method, let path, let status, let expected, let body):
            "\(method) \(path) answered \(status), expected \(expected): \(body)"
        case .unexpectedBody(let path, let detail): "\(path): unexpected answer: \(detail)"
        case .connectionDropped(let method, let path): "\(method) \(path): the connection was dropped"
        }
    }
}
