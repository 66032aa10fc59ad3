import Foundation

/// RFC 3339 UTC timestamps with milliseconds, the wire format of every time in axpsim.
public enum Timestamp {
    /// Formats `date` as `2026-11-24T10:00:00.000Z`.
    public static func format(_ date: Date) -> String {
        date.formatted(style)
    }

    /// Parses an RFC 3339 timestamp with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        if let date = try? style.parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt).parse(text)
    }

    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// Milliseconds since 1970, the unit dates are stored in.
    public static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The date of a millisecond count.
    public static func date(millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
