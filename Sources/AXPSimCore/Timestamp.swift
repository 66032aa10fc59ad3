import Foundation

/// RFC 3339 UTC timestamps with milliseconds, the wire format of every time in axpsim.
public enum Timestamp {
    /// Formats `date` as `2026-11-24T10:00:00.000Z`.
    public static func format(_ date: Date) -> String {
        let millis = self.millis(date)
        let seconds = Date(timeIntervalSince1970: Double(millis.floorDivided(by: 1000)))
        let whole = seconds.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt))
        let fraction = String(millis.floorModulo(1000))
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
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

extension Int64 {
    /// Division rounding toward negative infinity.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    /// The non-negative remainder matching ``floorDivided(by:)``.
    func floorModulo(_ divisor: Int64) -> Int64 {
        self - floorDivided(by: divisor) * divisor
    }
}
