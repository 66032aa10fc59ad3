import Foundation

/// Compact JSON text of a ``JSONValue`` written byte by byte: every JSON answer goes through
/// ``JSONValue/jsonData``, and `JSONEncoder` (a generic `Encodable` walk with boxing per value)
/// was a tenth of a session GET's CPU.
///
/// The bytes are those `JSONEncoder` writes with `[.sortedKeys, .withoutEscapingSlashes]`: keys in
/// `String` order, `"` and `\` escaped, `\b \t \n \f \r` short, other controls as `\u00xx`
/// (lower-case hex), everything else as UTF-8. Numbers that are not integers are written by
/// `JSONEncoder` itself (its own number formatting), and an object with a non-ASCII key makes the
/// whole value go through `JSONEncoder` (its ordering of such keys is its own); the tests compare
/// both writers.
extension JSONValue {
    /// The compact text, or nil when part of the value must be left to `JSONEncoder`.
    func writtenJSON() -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        return write(into: &output) ? output : nil
    }

    private func write(into output: inout [UInt8]) -> Bool {
        switch self {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let value):
            output.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value):
            output.append(contentsOf: String(value).utf8)
        case .double(let value):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            do {
                output.append(contentsOf: try encoder.encode(value))
            } catch {
                // Not finite: JSONEncoder refuses the whole value; so does the caller's fallback.
                return false
            }
        case .string(let text):
            Self.writeString(text, into: &output)
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                guard item.write(into: &output) else { return false }
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            for key in members.keys where !key.utf8.allSatisfy({ $0 < 0x80 }) { return false }
            output.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                guard let member = members[key], member.write(into: &output) else { return false }
            }
            output.append(UInt8(ascii: "}"))
        }
        return true
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x00..<0x20:
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
