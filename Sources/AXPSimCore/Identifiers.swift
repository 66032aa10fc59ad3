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

    /// A new lower-case UUID.
    public static func newUUID() -> String {
        UUID().uuidString.lowercased()
    }

    /// A random URL-safe token of `length` alphanumeric characters with an optional prefix.
    public static func randomToken(prefix: String = "", length: Int = 32) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
