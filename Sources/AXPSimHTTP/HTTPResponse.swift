import Foundation

/// An HTTP response to send.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields in order; `Content-Length` and `Date` are added by the server.
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a JSON body (already encoded).
    public static func json(_ status: Int, _ body: Data, contentType: String = "application/json") -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: body)
    }

    /// A plain-text response.
    public static func text(_ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: Data(text.utf8))
    }

    /// An empty response (e.g. 204).
    public static func empty(_ status: Int) -> HTTPResponse {
        HTTPResponse(status: status)
    }

    /// Adds or replaces a header.
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.0.caseInsensitiveCompare(name) == .orderedSame }
        headers.append((name, value))
    }
}

/// What a handler answers: a response now, or later (a held long poll).
public enum HTTPResult: Sendable {
    /// Send this response now.
    case respond(HTTPResponse)
    /// Hold the connection (without holding a thread) until `pending` is fulfilled.
    case suspend(PendingResponse)
    /// Close the connection without answering (fault injection).
    case drop

    /// The same result with its response transformed, now or when a held one is supplied.
    public func mapResponse(_ transform: @escaping @Sendable (HTTPResponse) -> HTTPResponse) -> HTTPResult {
        switch self {
        case .respond(let response): .respond(transform(response))
        case .suspend(let pending): .suspend(pending.map(transform))
        case .drop: .drop
        }
    }
}
