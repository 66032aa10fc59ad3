import COpenSSL

/// Why OpenSSL could not do what was asked: a stable ``code`` and OpenSSL's own explanation.
public struct OpenSSLFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed, with a stable machine-readable ``rawValue``.
    public enum Code: String, Sendable, Equatable {
        /// The PEM text holds no readable, unencrypted private key.
        case unreadableKey = "openssl_unreadable_key"
        /// The key is not an RSA key.
        case notRSA = "openssl_not_rsa"
        /// OpenSSL refused to sign.
        case signingFailed = "openssl_signing_failed"
    }

    /// What failed.
    public let code: Code
    /// OpenSSL's error queue at the time (or what the wrapper knows), for logs.
    public let detail: String

    /// A failure with `code` and `detail`.
    public init(_ code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }

    /// Takes every entry off this thread's OpenSSL error queue, as text ("unknown" when empty).
    static func drainErrorQueue() -> String {
        var lines: [String] = []
        while true {
            let error = ERR_get_error()
            if error == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(error, &buffer, buffer.count)
            lines.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return lines.isEmpty ? "unknown" : lines.joined(separator: "; ")
    }
}
