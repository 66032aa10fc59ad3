import AXPSimCore
import Foundation

/// Fuzz target for the event socket's client frames (``SocketClientFrame``): the input is one text
/// frame, decoded as the WebSocket layer decodes it (invalid UTF-8 repaired).
public enum SocketFrameFuzzTarget {
    /// Runs one input.
    public static func run(_ input: Data) -> FuzzOutcome {
        let text = String(decoding: input, as: UTF8.self)
        do {
            switch try SocketClientFrame.parse(text) {
            case .auth(_, _, let seq):
                if let seq, seq < 0 { return .invariantBroken("negative lastEventId \(seq)") }
                return .accepted("auth")
            case .ping:
                return .accepted("ping")
            case .other:
                return .accepted("other")
            }
        } catch {
            return .rejected(error.code)
        }
    }
}
