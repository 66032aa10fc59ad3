import AXPSimAuth
import AXPSimCore
import Crypto
import CryptoExtras
import Foundation

/// Fuzz target for the chat JWT readers: ``KeyRing/verify(_:now:)`` and
/// ``KeyRing/unverifiedAccountId(_:)``, against one key ring built once.
///
/// Byte 0 picks the mode. `s`: the rest is a header JSON, a newline and a payload JSON; the target
/// signs them with the ring's key (kid `fuzz`), so the fuzzer reaches the claim checks that only a
/// correctly signed token gets to, and a token that verifies is minted again and must stay
/// `atob`-safe and readable. Any other byte: the rest is a token as a client sends it.
public enum TokenFuzzTarget {
    /// The key id of the ring's only key.
    public static let kid = "fuzz"

    /// The instant tokens are verified at (2033-05-18T03:33:20Z); seeds use `iat` 2000000000.
    public static let now = Date(timeIntervalSince1970: 2_000_000_000)

    /// One RSA key, generated when first used, and the ring holding it.
    static let keys: (ring: KeyRing, signer: _RSA.Signing.PrivateKey) = {
        do {
            let signer = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            return (try KeyRing(keys: [SigningKey(kid: kid, privateKeyPEM: signer.pemRepresentation)]), signer)
        } catch {
            fatalError("cannot build the fuzzing key ring: \(error)")
        }
    }()

    static var ring: KeyRing { keys.ring }

    /// Runs one input.
    public static func run(_ input: Data) -> FuzzOutcome {
        guard let mode = input.first else { return .rejected("empty input") }
        let rest = Data(input.dropFirst())
        if mode == UInt8(ascii: "s") {
            let parts = rest.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return .rejected("no newline between header and payload") }
            let signingInput = Base64URL.encode(Data(parts[0])) + "." + Base64URL.encode(Data(parts[1]))
            let signature: Data
            do {
                signature = try keys.signer.signature(for: SHA256.hash(data: Data(signingInput.utf8)), padding: .insecurePKCS1v1_5).rawRepresentation
            } catch {
                return .invariantBroken("cannot sign: \(error)")
            }
            return verify(KeyRing.tokenPrefix + signingInput + "." + Base64URL.encode(signature))
        }
        return verify(String(decoding: rest, as: UTF8.self))
    }

    static func verify(_ token: String) -> FuzzOutcome {
        _ = KeyRing.unverifiedAccountId(token)
        let claims: ChatTokenClaims
        do {
            claims = try ring.verify(token, now: now)
        } catch {
            return .rejected(error.code)
        }
        // A token that verifies is re-minted (as a refresh does): the payload must stay atob-safe
        // and carry the same account.
        do {
            let minted = try ring.mint(claims)
            let payload = minted.split(separator: ".", omittingEmptySubsequences: false)[2]
            if payload.contains("-") || payload.contains("_") { return .invariantBroken("minted payload is not atob-safe: \(payload)") }
            guard KeyRing.unverifiedAccountId(minted) == claims.accountId else {
                return .invariantBroken("minted token does not carry accountId \(claims.accountId)")
            }
        } catch {
            return .invariantBroken("cannot mint verified claims again: \(error)")
        }
        return .accepted(claims.customerId)
    }
}
