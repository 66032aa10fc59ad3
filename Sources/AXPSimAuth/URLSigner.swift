import Crypto
import Foundation
import Synchronization

/// Signs the URLs axpsim writes for clients that use them without any other credential (an
/// attachment's upload URL and its download URL), and checks them when they come back.
///
/// A signature is HMAC-SHA256 over the URL's purpose, the account, the resource id and the
/// expiry (seconds since 1970 on the account's clock), each field length-prefixed so no two
/// inputs share an encoding; it travels base64url-encoded. The secret is 32 random bytes
/// generated once and kept in the database (so URLs survive a restart); it is never rotated.
/// ``replace(secret:)`` exists for a snapshot restore that brings another database's secret.
public final class URLSigner: Sendable {
    /// What a signed URL allows; a signature for one purpose is worthless for the other.
    public enum Purpose: String, Sendable, CaseIterable {
        /// `POST` the file once (an upload URL).
        case upload
        /// `GET` the file (a download URL).
        case download
    }

    /// Why a signed URL was refused.
    public enum Rejection: Error, Sendable, Equatable {
        /// No `expires`/`signature`, or not in their form.
        case missing
        /// The signature is not the one for this purpose, account, resource and expiry.
        case badSignature
        /// The signature is right but its time is over (on the account's clock).
        case expired
    }

    /// Length of a generated secret, bytes.
    public static let secretLength = 32

    private let key: Mutex<SymmetricKey>

    /// A signer with `secret` (at least 16 bytes).
    public init(secret: Data) {
        key = Mutex(SymmetricKey(data: secret))
    }

    /// A fresh random secret.
    public static func generateSecret() -> Data {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    }

    /// Uses another secret from now on (URLs signed with the old one stop working).
    public func replace(secret: Data) {
        key.withLock { $0 = SymmetricKey(data: secret) }
    }

    /// The base64url signature of a URL for `purpose` on `resourceId` of `accountId`, valid until
    /// `expires` (seconds since 1970 on the account's clock).
    public func signature(_ purpose: Purpose, accountId: String, resourceId: String, expires: Int64) -> String {
        let input = Self.input(purpose, accountId: accountId, resourceId: resourceId, expires: expires)
        let code = key.withLock { HMAC<SHA256>.authenticationCode(for: input, using: $0) }
        return Base64URL.encode(Data(code))
    }

    /// Checks a URL's `expires` and `signature` (as received, text) for `purpose` on `resourceId`
    /// of `accountId` at `now` (the account's clock). The signature is compared in constant time,
    /// and before the expiry, so an expired URL with a forged signature is reported as forged.
    public func check(
        _ purpose: Purpose, accountId: String, resourceId: String, expires expiresText: String?, signature: String?, now: Date
    ) throws(Rejection) {
        guard let expiresText, let expires = Int64(expiresText), expires >= 0, String(expires) == expiresText, let signature,
            let code = Base64URL.decode(signature), Base64URL.encode(code) == signature
        else { throw .missing }
        let input = Self.input(purpose, accountId: accountId, resourceId: resourceId, expires: expires)
        let valid = key.withLock { HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: input, using: $0) }
        guard valid else { throw .badSignature }
        guard now.timeIntervalSince1970 < Double(expires) else { throw .expired }
    }

    /// The signed bytes: a version tag, then each field as `length:value`.
    static func input(_ purpose: Purpose, accountId: String, resourceId: String, expires: Int64) -> Data {
        let fields = ["axpsim-signed-url-v1", purpose.rawValue, accountId, resourceId, String(expires)]
        return Data(fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "\n").utf8)
    }
}
