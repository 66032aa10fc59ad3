import Foundation

/// Base64url (RFC 4648 §5) without padding, as JWTs use it.
///
/// Converts byte by byte (no intermediate strings): JWT verification decodes three segments on
/// every SDK call that misses the verified-token cache, and minting encodes two.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The 6-bit value of each base64url byte, 0xFF for every other byte.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// Encodes bytes.
    public static func encode(_ data: Data) -> String {
        var output = [UInt8]()
        output.reserveCapacity((data.count * 4 + 2) / 3)
        var index = data.startIndex
        while index < data.endIndex {
            let remaining = data.endIndex - index
            let b0 = UInt32(data[index])
            let b1 = remaining > 1 ? UInt32(data[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(data[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            if remaining > 1 { output.append(alphabet[Int(group >> 6 & 0x3F)]) }
            if remaining > 2 { output.append(alphabet[Int(group & 0x3F)]) }
            index += min(3, remaining)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes text, or nil when it is not base64url (a byte outside the alphabet, padding, a
    /// length of 4n + 1, or non-zero bits left over in the last character).
    public static func decode(_ text: some StringProtocol) -> Data? {
        let bytes = Array(text.utf8)
        if bytes.count % 4 == 1 { return nil }
        var output = Data(capacity: bytes.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes {
            let value = values[Int(byte)]
            if value == 0xFF { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        // Foundation's decoder refuses non-zero padding bits; so does this one.
        if accumulator != 0 { return nil }
        return output
    }
}
