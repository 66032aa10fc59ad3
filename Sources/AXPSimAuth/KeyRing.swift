import AXPSimCore
import Crypto
import CryptoExtras
import Foundation
import JWTKit
import Synchronization

/// An RSA key pair used to sign chat JWTs.
public struct SigningKey: Sendable {
    public let kid: String
    public let privateKeyPEM: String
    let privateKey: JWTKit.Insecure.RSA.PrivateKey

    /// Loads a PEM private key.
    public init(kid: String, privateKeyPEM: String) throws {
        self.kid = kid
        self.privateKeyPEM = privateKeyPEM
        privateKey = try JWTKit.Insecure.RSA.PrivateKey(pem: privateKeyPEM)
    }

    /// Generates a new RSA-2048 key with a random `kid`.
    public static func generate() throws -> SigningKey {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        return try SigningKey(kid: Identifiers.randomToken(prefix: "axpsim-", length: 16), privateKeyPEM: key.pemRepresentation)
    }

    /// The public key as a JWK (RFC 7517) dictionary.
    public func jwk() throws -> [String: String] {
        let primitives = try privateKey.publicKey.getKeyPrimitives()
        return [
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": Base64URL.encode(primitives.modulus), "e": Base64URL.encode(primitives.publicExponent),
        ]
    }
}

/// The signing keys of the emulator: the active one signs, every one verifies and is published
/// in the JWKS (so tokens signed before a rotation stay valid until they expire).
public final class KeyRing: Sendable {
    struct State {
        var collection: JWTKeyCollection
        var active: SigningKey
        var all: [SigningKey]
    }

    let state: Mutex<State>

    /// The literal prefix the platform puts before the compact JWS.
    public static let tokenPrefix = "jwt."

    /// Creates a ring from keys, oldest first; the last is active.
    public init(keys: [SigningKey]) throws {
        guard let active = keys.last else { throw AXPSimError.internalError("no signing key") }
        state = Mutex(State(collection: try Self.collection(keys), active: active, all: keys))
    }

    private static func collection(_ keys: [SigningKey]) throws -> JWTKeyCollection {
        let collection = JWTKeyCollection(defaultJWTSerializer: AtobSafeSerializer())
        try runBlocking {
            for key in keys {
                await collection.add(rsa: key.privateKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: key.kid), serializer: AtobSafeSerializer())
            }
        }
        return collection
    }

    /// Makes `key` the active signing key, keeping the others for verification.
    public func rotate(to key: SigningKey) throws {
        let keys = state.withLock { $0.all } + [key]
        let collection = try Self.collection(keys)
        state.withLock { $0 = State(collection: collection, active: key, all: keys) }
    }

    /// The active key's id.
    public var activeKid: String { state.withLock { $0.active.kid } }

    /// The JWKS document publishing every key.
    public func jwks() throws -> [[String: String]] {
        try state.withLock { $0.all }.map { try $0.jwk() }
    }

    /// Signs `claims` with the active key → `jwt.<header>.<payload>.<signature>`.
    public func mint(_ claims: ChatTokenClaims) throws -> String {
        let (collection, kid) = state.withLock { ($0.collection, $0.active.kid) }
        let compact = try runBlocking {
            try await collection.sign(claims, kid: JWKIdentifier(string: kid), header: ["typ": "JWT"])
        }
        return Self.tokenPrefix + compact
    }

    /// Verifies a chat JWT (with or without the `jwt.` prefix) at `now` on the account clock:
    /// algorithm, key, signature, audience, not-before and expiry. Revocation is the caller's.
    public func verify(_ token: String, now: Date) throws(AXPSimError) -> ChatTokenClaims {
        let compact = token.hasPrefix(Self.tokenPrefix) ? String(token.dropFirst(Self.tokenPrefix.count)) : token
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 || (parts.count == 2 && compact.hasSuffix(".") == false),
            let headerData = Base64URL.decode(parts[0]),
            let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any]
        else { throw .tokenRejected(.malformed) }
        let alg = header["alg"] as? String ?? ""
        if alg.lowercased() == "none" { throw .tokenRejected(.algorithmNone) }
        guard alg == "RS256" else { throw .tokenRejected(.unsupportedAlgorithm(alg)) }
        guard parts.count == 3 else { throw .tokenRejected(.malformed) }
        let kid = header["kid"] as? String
        let (collection, known) = state.withLock { state in (state.collection, state.all.contains { $0.kid == kid }) }
        guard known, let kid else { throw .tokenRejected(.unknownKey) }
        let claims: ChatTokenClaims
        do {
            claims = try runBlocking {
                let key = try await collection.getKey(for: JWKIdentifier(string: kid), alg: "RS256")
                let signingInput = Data("\(parts[0]).\(parts[1])".utf8)
                guard let signature = Base64URL.decode(parts[2]), try key.verify(signature, signs: signingInput) else {
                    throw AXPSimError.tokenRejected(.badSignature)
                }
                guard let payload = Base64URL.decode(parts[1]) else { throw AXPSimError.tokenRejected(.malformed) }
                return try JSONDecoder.jwt.decode(ChatTokenClaims.self, from: payload)
            }
        } catch let error as AXPSimError {
            throw error
        } catch {
            throw .tokenRejected(.malformed)
        }
        guard claims.aud.value.contains(ChatTokenClaims.audience) else { throw .tokenRejected(.wrongAudience) }
        if now < claims.nbf.value.addingTimeInterval(-1) { throw .tokenRejected(.notYetValid) }
        if now >= claims.exp.value { throw .tokenRejected(.expired) }
        return claims
    }
}

extension JSONDecoder {
    /// Decodes JWT claims (dates as seconds since 1970).
    static var jwt: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
