import Foundation

/// Makes a JWT payload's JSON text such that its base64url segment never contains `-` or `_`: the
/// vendor SDK decodes the payload with the browser's `atob`, which rejects both. (``KeyRing``
/// writes the payload with ``ChatTokenClaims/payloadJSON`` and passes it through ``escape(_:)``.)
///
/// Base64 turns each 3 bytes into four 6-bit digits; `-` and `_` are the digits 62 and 63. For
/// 7-bit ASCII input only the last digit of a group can reach them, and only for the bytes
/// `>`, `?`, `~` and DEL. JSON can carry those characters (and any non-ASCII one) inside strings
/// as `\uXXXX` escapes, so the payload is written as pure ASCII without them: the token decodes
/// with `atob` whatever the customer's name or identifiers contain, with no retry loop.
public enum AtobSafeSerializer {
    /// Rewrites JSON text as ASCII without `>`, `?`, `~` or DEL (they only occur inside strings).
    /// Text that has none of them (and nothing beyond ASCII), the usual case, is returned as is.
    public static func escape(_ json: Data) -> Data {
        guard json.contains(where: { $0 >= 0x7F || $0 == 0x3E || $0 == 0x3F || $0 == 0x7E }) else { return json }
        var output: [UInt8] = []
        output.reserveCapacity(json.count + 32)
        for scalar in String(decoding: json, as: UTF8.self).unicodeScalars {
            let value = scalar.value
            if value < 0x7F, value != 0x3E, value != 0x3F, value != 0x7E {
                output.append(UInt8(value))
            } else {
                for unit in String(scalar).utf16 {
                    output.append(contentsOf: Array(String(format: "\\u%04x", unit).utf8))
                }
            }
        }
        return Data(output)
    }
}
