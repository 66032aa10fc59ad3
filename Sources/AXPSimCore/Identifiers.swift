import Foundation

/// Validation and generation of the platform's identifier formats.
public enum Identifiers {
    /// `^[A-Za-z]{6}$`, the platform's account id.
    public static func isValidAccountId(_ value: String) -> Bool {
        value.utf8.count == 6 && value.utf8.allSatisfy { (65...90).contains($0) || (97...122).contains($0) }
    }

    /// A canonical UUID string (any case).
    public static func isValidUUID(_ value: String) -> Bool {
        value.utf8.count == 36 && UUID(uuidString: value) != nil
    }

    /// A new random account id of six upper-case letters.
    public static func newAccountId() -> String {
        String((0..<6).map { _ in Character(Unicode.Scalar(UInt8.random(in: 65...90))) })
    }

    /// A new lower-case random (version 4) UUID, from the system's cryptographic generator and
    /// written digit by digit (Foundation's `UUID()` and `uuidString.lowercased()` were 2 % of a
    /// message POST or a token mint).
    public static func newUUID() -> String {
        var generator = SystemRandomNumberGenerator()
        // Version 4 in the high nibble of byte 6, the RFC 4122 variant (10) in the top of byte 8.
        let high = (generator.next() as UInt64) & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000
        let low = (generator.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        let hex = Array("0123456789abcdef".utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(36)
        for (index, word) in [high, low].enumerated() {
            for nibble in stride(from: 60, through: 0, by: -4) {
                let position = index * 16 + (60 - nibble) / 4
                if position == 8 || position == 12 || position == 16 || position == 20 { bytes.append(UInt8(ascii: "-")) }
                bytes.append(hex[Int((word >> UInt64(nibble)) & 0xF)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A random URL-safe token of `length` alphanumeric characters with an optional prefix.
    public static func randomToken(prefix: String = "", length: Int = 32) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
