import AXPSimCInterop
import COpenSSL

/// An RSA private key held by the system OpenSSL 3 (libcrypto), for RS256 signatures
/// (RSASSA-PKCS1-v1_5 with SHA-256).
///
/// The PEM text is parsed once, into an `EVP_PKEY` that is freed when the key is. Each
/// ``signRS256(_:)`` call uses a fresh `EVP_MD_CTX`, and OpenSSL documents a fully set-up
/// `EVP_PKEY` as safe to use from several threads at once as long as nobody changes it: nothing
/// here changes it after `init`, so one key may sign on every thread concurrently.
public final class RSASigningKey: Sendable {
    /// The parsed key; read-only after `init` (see the type's comment on threads).
    let key: UnsafeTransfer<OpaquePointer>
    /// The signature size in bytes (the modulus size: 256 for RSA-2048).
    public let signatureSize: Int

    /// Parses an unencrypted PEM RSA private key (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`).
    public init(pemRepresentation pem: String) throws(OpenSSLFailure) {
        ERR_clear_error()
        var text = pem
        let parsed = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { axp_ossl_read_private_key($0.baseAddress, Int32(clamping: $0.count)) }
        }
        guard let parsed else { throw OpenSSLFailure(.unreadableKey, detail: OpenSSLFailure.drainErrorQueue()) }
        guard EVP_PKEY_is_a(parsed, "RSA") == 1 else {
            EVP_PKEY_free(parsed)
            throw OpenSSLFailure(.notRSA, detail: "the PEM holds a key of another type")
        }
        key = UnsafeTransfer(parsed)
        signatureSize = Int(EVP_PKEY_get_size(parsed))
    }

    deinit {
        EVP_PKEY_free(key.value)
    }

    /// The RS256 signature of `message`: SHA-256 of it, then RSASSA-PKCS1-v1_5 (deterministic: the
    /// same key and message give the same bytes as any other correct implementation).
    public func signRS256(_ message: some Collection<UInt8>) throws(OpenSSLFailure) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw OpenSSLFailure(.signingFailed, detail: "EVP_MD_CTX_new returned NULL") }
        defer { EVP_MD_CTX_free(context) }
        ERR_clear_error()
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key.value) == 1 else {
            throw OpenSSLFailure(.signingFailed, detail: "EVP_DigestSignInit: " + OpenSSLFailure.drainErrorQueue())
        }
        var signature = [UInt8](repeating: 0, count: signatureSize)
        var length = signature.count
        let status = message.withContiguousStorageIfAvailable { input in
            Self.digestSign(context, input, into: &signature, length: &length)
        } ?? Array(message).withUnsafeBufferPointer { input in
            Self.digestSign(context, input, into: &signature, length: &length)
        }
        guard status == 1 else {
            throw OpenSSLFailure(.signingFailed, detail: "EVP_DigestSign: " + OpenSSLFailure.drainErrorQueue())
        }
        if length < signature.count { signature.removeLast(signature.count - length) }
        return signature
    }

    /// One `EVP_DigestSign` over contiguous input.
    static func digestSign(_ context: OpaquePointer, _ input: UnsafeBufferPointer<UInt8>, into signature: inout [UInt8], length: inout Int) -> Int32 {
        // OpenSSL reads no input when the length is 0, but wants a non-NULL pointer all the same.
        var empty: UInt8 = 0
        return signature.withUnsafeMutableBufferPointer { output in
            if let base = input.baseAddress {
                return EVP_DigestSign(context, output.baseAddress, &length, base, input.count)
            }
            return EVP_DigestSign(context, output.baseAddress, &length, &empty, 0)
        }
    }
}
