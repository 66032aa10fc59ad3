import Foundation

/// One HTTP request, fully read (headers and body) before the application sees it.
public struct HTTPRequest: Sendable {
    /// The method, upper-case (`GET`, `POST`, …).
    public var method: String
    /// The decoded path, without the query string.
    public var path: String
    /// Decoded query parameters (the last value wins for repeated names).
    public var query: [String: String]
    /// Header fields with lower-cased names (the last value wins for repeated names).
    public var headers: [String: String]
    /// The raw body.
    public var body: Data
    /// The peer's numeric IP address.
    public var remoteAddress: String
    /// Path parameters filled in by the ``Router``.
    public var pathParameters: [String: String] = [:]

    public init(
        method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: Data = Data(),
        remoteAddress: String = "127.0.0.1"
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// A header by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// The media type of the body, lower-cased and without parameters (`application/json`).
    public var mediaType: String? {
        header("content-type").map {
            $0.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        }
    }

    /// The credential of an `Authorization: Bearer …` header.
    public var bearerToken: String? {
        guard let value = header("authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    /// True when the peer is on the loopback interface.
    public var isLoopback: Bool {
        remoteAddress.hasPrefix("127.") || remoteAddress == "::1" || remoteAddress.hasPrefix("::ffff:127.")
    }

    /// Decodes an `application/x-www-form-urlencoded` body.
    public var formParameters: [String: String] {
        FormDecoding.decode(String(decoding: body, as: UTF8.self))
    }
}

/// `application/x-www-form-urlencoded` decoding (`+` is a space, then percent-decoding).
public enum FormDecoding {
    /// Decodes `a=1&b=x+y` into a dictionary; the last value wins.
    public static func decode(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = unescape(parts[0])
            result[name] = parts.count > 1 ? unescape(parts[1]) : ""
        }
        return result
    }

    private static func unescape(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
