import Foundation

/// One HTTP request, fully read (headers and body) before the application sees it.
public struct HTTPRequest: Sendable {
    /// The method, upper-case (`GET`, `POST`, …).
    public var method: String
    /// The decoded, canonical path without the query string (see ``CanonicalPath``); when the
    /// path as sent has no canonical form, the path as sent, and ``pathProblem`` says why.
    public var path: String
    /// The path exactly as the client sent it (percent-escapes kept).
    public var rawPath: String
    /// Why the path as sent is not canonical, or nil. A server refuses such a request before
    /// routing it.
    public var pathProblem: CanonicalPath.Problem?
    /// Decoded query parameters (the last value wins for repeated names).
    public var query: [String: String]
    /// Header fields with lower-cased names (the last value wins for repeated names).
    public var headers: [String: String]
    /// The raw body (empty for a `multipart/form-data` body, which arrives read: ``multipart``).
    public var body: Data
    /// A `multipart/form-data` body, read by the server while it arrived (libmicrohttpd's post
    /// processor): its parts, or why it is malformed; nil for any other body.
    public var multipart: MultipartBody?
    /// The peer's numeric IP address.
    public var remoteAddress: String
    /// Path parameters filled in by the ``Router``.
    public var pathParameters: [String: String] = [:]

    /// A request for `path`: either already decoded (tests, in-process callers) or, with
    /// `rawPath`, as sent on the wire, then decoded and checked here.
    public init(
        method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: Data = Data(),
        multipart: MultipartBody? = nil, remoteAddress: String = "127.0.0.1"
    ) {
        self.init(method: method, rawPath: path, query: query, headers: headers, body: body, multipart: multipart, remoteAddress: remoteAddress)
    }

    /// A request whose path is given as sent (percent-escapes kept).
    public init(
        method: String, rawPath: String, query: [String: String] = [:], headers: [String: String] = [:], body: Data = Data(),
        multipart: MultipartBody? = nil, remoteAddress: String = "127.0.0.1"
    ) {
        self.method = method
        self.rawPath = rawPath
        do {
            self.path = try CanonicalPath(raw: rawPath).path
            self.pathProblem = nil
        } catch {
            self.path = rawPath
            self.pathProblem = error
        }
        self.query = query
        self.headers = headers
        self.body = body
        self.multipart = multipart
        self.remoteAddress = remoteAddress
    }

    /// The method, path and address of the request with its `Host` header only (no query, path
    /// parameters, other headers or body): for what is kept while an answer waits and needs only
    /// the host (absolute URLs), at a fraction of the memory.
    public var hostOnly: HTTPRequest {
        var copy = HTTPRequest(method: method, rawPath: "/", headers: header("host").map { ["host": $0] } ?? [:], remoteAddress: remoteAddress)
        copy.path = path
        copy.rawPath = rawPath
        return copy
    }

    /// A header by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers[name.headerNameLowercased]
    }

    /// The media type of the body, lower-cased and without parameters (`application/json`).
    public var mediaType: String? {
        header("content-type").map {
            $0.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        }
    }

    /// The credential of an `Authorization: Bearer …` header.
    ///
    /// Read on every SDK call, so it works on the UTF-8 bytes: the scheme is matched without
    /// case, and the credential is trimmed of the blanks `CharacterSet.whitespaces` holds (space,
    /// tab and the Unicode space separators) without bridging the long token to `NSString`.
    public var bearerToken: String? {
        guard let value = header("authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, String(parts[0]).headerNameLowercased == "bearer" else { return nil }
        let credential = parts[1]
        guard let first = credential.utf8.first, let last = credential.utf8.last, Self.mayBeBlank(first) || Self.mayBeBlank(last) else {
            return String(credential)
        }
        // Rare: blanks (or non-ASCII) at either end; trimmed scalar by scalar as before.
        let scalars = credential.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, Self.isBlank(scalars[start]) { start = scalars.index(after: start) }
        while end > start, Self.isBlank(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(Substring(scalars[start..<end]))
    }

    /// True for a UTF-8 byte that may start or end a blank: space, tab, or any non-ASCII byte.
    private static func mayBeBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte >= 0x80
    }

    /// The members of `CharacterSet.whitespaces`: tab and the space separators (Zs).
    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
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
