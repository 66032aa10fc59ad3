/// The canonical form of a request path, or why there is none.
///
/// libmicrohttpd hands over the path as it arrived (escapes kept, see `axp_mhd_keep_escaped`);
/// this type decodes it segment by segment and refuses every spelling that could reach a route by
/// another name: empty segments (`//`, a trailing `/`), `.` and `..` segments (also as `%2E`),
/// an escaped `/` or `\` inside a segment, an escaped unreserved character (`%5F` for `_`,
/// `%2E` for `.`, `%41` for `A`: the same route spelled differently), malformed escapes, and
/// control characters. The root `/` is canonical.
public struct CanonicalPath: Sendable, Equatable {
    /// Why a path was refused.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case notAbsolute
        case emptySegment
        case dotSegment
        case malformedEscape
        case escapedSeparator
        case escapedUnreserved
        case controlCharacter
        case notUTF8

        public var description: String {
            switch self {
            case .notAbsolute: "the path must start with '/'"
            case .emptySegment: "the path has an empty segment ('//' or a trailing '/')"
            case .dotSegment: "the path has a '.' or '..' segment"
            case .malformedEscape: "the path has a malformed percent-escape"
            case .escapedSeparator: "the path has a percent-encoded '/' or '\\'"
            case .escapedUnreserved: "the path percent-encodes a character that needs no escape (letters, digits, '-', '.', '_', '~')"
            case .controlCharacter: "the path has a control character"
            case .notUTF8: "the path does not decode to UTF-8"
            }
        }
    }

    /// The decoded segments.
    public let segments: [String]

    /// The decoded path: `/` followed by the segments joined with `/`.
    public var path: String { "/" + segments.joined(separator: "/") }

    /// Decodes and checks `raw` (the path part of the request target, without the query).
    public init(raw: String) throws(Problem) {
        guard raw.hasPrefix("/") else { throw .notAbsolute }
        if raw == "/" {
            segments = []
            return
        }
        var decoded: [String] = []
        for part in raw.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw .emptySegment }
            decoded.append(try Self.decodeSegment(Array(part)))
        }
        segments = decoded
    }

    private static func decodeSegment(_ bytes: [UInt8]) throws(Problem) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                    throw .malformedEscape
                }
                let value = high << 4 | low
                if value == UInt8(ascii: "/") || value == UInt8(ascii: "\\") { throw .escapedSeparator }
                if isUnreserved(value) { throw .escapedUnreserved }
                if value < 0x20 || value == 0x7F { throw .controlCharacter }
                output.append(value)
                index += 3
            } else {
                if byte < 0x20 || byte == 0x7F { throw .controlCharacter }
                if byte == UInt8(ascii: "\\") { throw .escapedSeparator }
                output.append(byte)
                index += 1
            }
        }
        guard let text = String(validating: output, as: UTF8.self) else { throw .notUTF8 }
        if text == "." || text == ".." { throw .dotSegment }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// RFC 3986 unreserved characters: never escaped in a canonical path.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
        default: false
        }
    }
}
