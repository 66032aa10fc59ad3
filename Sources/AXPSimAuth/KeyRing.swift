import AXPSimCore
import AXPSimOpenSSL
import Crypto
import CryptoExtras
import Dispatch
import Foundation
import JWTKit
import Synchronization

/// An RSA key pair used to sign chat JWTs.
///
/// The key is parsed twice, once each: the system OpenSSL signs (about twice as fast as
/// swift-crypto's BoringSSL on the machines measured, bench/README.md), swift-crypto verifies and
/// publishes the JWK. RSASSA-PKCS1-v1_5 is deterministic, so both produce the same signature bytes
/// (KeyRingTests checks).
public struct SigningKey: Sendable {
    public let kid: String
    public let privateKeyPEM: String
    let privateKey: _RSA.Signing.PrivateKey
    /// The same key in OpenSSL, for ``sign(_:)``.
    let signer: RSASigningKey
    /// The base64url JOSE header of every token this key signs (`alg`, `kid`, `typ`, sorted).
    let headerSegment: String

    /// Loads a PEM private key.
    public init(kid: String, privateKeyPEM: String) throws {
        self.kid = kid
        self.privateKeyPEM = privateKeyPEM
        privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        do {
            signer = try RSASigningKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw AXPSimError.internalError("cannot load signing key \(kid) into OpenSSL (\(error))")
        }
        headerSegment = Base64URL.encode(try JSONSerialization.data(withJSONObject: ["alg": "RS256", "typ": "JWT", "kid": kid], options: [.sortedKeys]))
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

    /// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature of `input`, made by OpenSSL.
    func sign(_ input: some Collection<UInt8>) throws(AXPSimError) -> [UInt8] {
        do {
            return try signer.signRS256(input)
        } catch {
            throw .internalError("cannot sign with key \(kid) (\(error))")
        }
    }

    /// True when `signature` is this key's RS256 signature of `input`.
    func isValidSignature(_ signature: Data, for input: Data) -> Bool {
        privateKey.publicKey.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5)
    }
}

/// The signing keys of the emulator: the active one signs, every one verifies and is published
/// in the JWKS (so tokens signed before a rotation stay valid until they expire).
///
/// Signing (OpenSSL, through AXPSimOpenSSL) and verification (swift-crypto) are synchronous; jwt-kit supplies the claim
/// types and the JSON encoding of the payload.
///
/// A ring may start without a key (``init(generatingFirstKey:store:)``): the first key is then
/// made on a background thread, off the start-up path. ``mint(_:)``, ``jwks()`` and ``activeKid()`` wait
/// for it (``waitForFirstKey()``); ``rotate(to:)`` and ``replace(with:)`` also wait until it is
/// stored (``waitForStoredFirstKey()``); verification does not wait, since no token can name a
/// key that does not exist yet.
///
/// Verified tokens are cached by their exact text: the signature, algorithm, key and audience of
/// a token are checked once (an RSA verification and three base64url/JSON decodings), later calls
/// find its claims in the cache. The time checks of ``verify(_:now:)`` run on every call; the
/// cache is emptied when the keys are replaced (a key that verified a token may be gone).
public final class KeyRing: Sendable {
    struct State {
        /// Nil only while the first key is being made (or when making it failed).
        var active: SigningKey?
        var all: [SigningKey]
        /// Claims of tokens whose signature verified, by the token's text.
        var verified: [String: ChatTokenClaims] = [:]
        /// Why the first key could not be made; every caller that needs a key gets it.
        var firstKeyFailure: AXPSimError?
        /// Why the first key could not be stored.
        var firstKeyStoreFailure: AXPSimError?
    }

    /// At most this many verified tokens are kept; the cache starts over when it is full.
    static let verifiedCacheLimit = 8192

    let state: Mutex<State>
    /// How the first key is made and stored (nil when the ring started with keys).
    let firstKeyMaker: FirstKeyMaker?
    /// Entered while the first key is being made, left once it is in the ring (or failed).
    let firstKey = DispatchGroup()
    /// Entered while the first key is being made and stored, left once it is stored (or failed).
    let firstKeyStored = DispatchGroup()

    /// The literal prefix the platform puts before the compact JWS.
    public static let tokenPrefix = "jwt."

    /// Creates a ring from keys, oldest first; the last is active.
    public init(keys: [SigningKey]) throws {
        guard let active = keys.last else { throw AXPSimError.internalError("no signing key") }
        state = Mutex(State(active: active, all: keys))
        firstKeyMaker = nil
    }

    /// Creates a ring with no key yet, whose first key is made on a background thread once
    /// ``beginFirstKey()`` is called (a server calls it when it is ready, so the ~80 ms of RSA
    /// generation do not compete with its start-up for the CPU) or anything waits for the key:
    /// `make` generates it, it goes into the ring (callers waiting for a key go on), then `store`
    /// persists it. Callers that need a key wait only for the first step — so a mint inside a
    /// write transaction never waits for `store`'s own write; callers that change the stored keys
    /// or copy the database wait for both (``waitForStoredFirstKey()``). A failure of either
    /// step is thrown to the callers that wait for it.
    public init(generatingFirstKey make: @escaping @Sendable () throws -> SigningKey, store: @escaping @Sendable (SigningKey) throws -> Void) {
        state = Mutex(State(active: nil, all: []))
        firstKeyMaker = FirstKeyMaker(make: make, store: store)
        firstKey.enter()
        firstKeyStored.enter()
    }

    /// Starts making the first key on a background thread, unless it is under way, done, or the
    /// ring started with keys.
    public func beginFirstKey() {
        guard let maker = firstKeyMaker, maker.claim() else { return }
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            defer { firstKeyStored.leave() }
            let key: SigningKey
            do {
                key = try maker.make()
            } catch {
                let failure = Self.failure(error, "cannot make the first signing key")
                state.withLock { $0.firstKeyFailure = failure }
                firstKey.leave()
                return
            }
            state.withLock { state in
                state.active = key
                state.all.append(key)
            }
            firstKey.leave()
            do {
                try maker.store(key)
            } catch {
                let failure = Self.failure(error, "cannot store the first signing key")
                state.withLock { $0.firstKeyStoreFailure = failure }
            }
        }
    }

    private static func failure(_ error: any Error, _ what: String) -> AXPSimError {
        (error as? AXPSimError) ?? .internalError("\(what): \(error)")
    }

    /// Blocks until the first key is in the ring (at once when the ring started with keys).
    /// Throws the error that kept it from being made.
    public func waitForFirstKey() throws(AXPSimError) {
        beginFirstKey()
        firstKey.wait()
        if let failure = state.withLock({ $0.firstKeyFailure }) { throw failure }
    }

    /// Blocks until the first key is in the ring and stored. Never call it inside a write
    /// transaction: storing the key needs the writer.
    public func waitForStoredFirstKey() throws(AXPSimError) {
        beginFirstKey()
        firstKeyStored.wait()
        if let failure = state.withLock({ $0.firstKeyFailure ?? $0.firstKeyStoreFailure }) { throw failure }
    }

    /// The active key, after waiting for the first one.
    func activeKey() throws(AXPSimError) -> SigningKey {
        try waitForFirstKey()
        guard let key = state.withLock({ $0.active }) else { throw .internalError("no signing key") }
        return key
    }

    /// Makes `key` the active signing key, keeping the others for verification.
    public func rotate(to key: SigningKey) throws {
        try waitForStoredFirstKey()
        state.withLock { $0 = State(active: key, all: $0.all + [key]) }
    }

    /// Replaces every key (after a snapshot restore); the last is active.
    public func replace(with keys: [SigningKey]) throws {
        guard let active = keys.last else { throw AXPSimError.internalError("no signing key") }
        try waitForStoredFirstKey()
        state.withLock { $0 = State(active: active, all: keys) }
    }

    /// The `accountId` of a token: from the verified-token cache when it is there, else read
    /// without verifying (``unverifiedAccountId(_:)``). Nil when unreadable.
    public func accountIdHint(_ token: String) -> String? {
        if let claims = state.withLock({ $0.verified[token] }) { return claims.accountId }
        return Self.unverifiedAccountId(token)
    }

    /// The active key's id (after waiting for the first key).
    public func activeKid() throws -> String { try activeKey().kid }

    /// The JWKS document publishing every key (after waiting for the first key).
    public func jwks() throws -> [[String: String]] {
        try waitForFirstKey()
        return try state.withLock { $0.all }.map { try $0.jwk() }
    }

    /// Signs `claims` with the active key → `jwt.<header>.<payload>.<signature>` (after waiting
    /// for the first key).
    public func mint(_ claims: ChatTokenClaims) throws -> String {
        let key = try activeKey()
        let payload = Base64URL.encode(AtobSafeSerializer.escape(claims.payloadJSON))
        let signingInput = key.headerSegment + "." + payload
        let signature = try key.sign(signingInput.utf8)
        return Self.tokenPrefix + signingInput + "." + Base64URL.encode(Data(signature))
    }

    /// The `accountId` claim of a token, read without verifying it (to find the account clock that
    /// ``verify(_:now:)`` then checks the token against). Nil when unreadable.
    public static func unverifiedAccountId(_ token: String) -> String? {
        guard token.hasPrefix(tokenPrefix) else { return nil }
        let compact = String(token.dropFirst(tokenPrefix.count))
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]),
            let object = try? JSONSerialization.jsonObject(with: payload) as? [String: Any]
        else { return nil }
        return object["accountId"] as? String
    }

    /// Verifies a chat JWT at `now` on the account clock: the `jwt.` prefix, algorithm, key,
    /// signature, audience, not-before and expiry. Revocation is the caller's.
    ///
    /// The prefix is required, as on the platform: its Generate JWT Token API answers
    /// `jwt.<compact JWS>` and clients send that whole string; a client that strips the prefix
    /// would fail against the real platform, so axpsim refuses it too (`token_missing_prefix`).
    public func verify(_ token: String, now: Date) throws(AXPSimError) -> ChatTokenClaims {
        let claims = try verifyIgnoringTime(token)
        if now < claims.nbf.value.addingTimeInterval(-1) { throw .tokenRejected(.notYetValid) }
        if now >= claims.exp.value { throw .tokenRejected(.expired) }
        return claims
    }

    /// Verifies everything ``verify(_:now:)`` does but the time: prefix, algorithm, key, signature
    /// and audience. For a token this emulator verified before and keeps (the device of a stored
    /// scenario run): it is read back as it was issued, even when it has expired since.
    public func verifyIgnoringTime(_ token: String) throws(AXPSimError) -> ChatTokenClaims {
        if let claims = state.withLock({ $0.verified[token] }) { return claims }
        let claims = try verifySignedToken(token)
        state.withLock { state in
            if state.verified.count >= Self.verifiedCacheLimit { state.verified.removeAll(keepingCapacity: true) }
            state.verified[token] = claims
        }
        return claims
    }

    /// The uncached checks of ``verifyIgnoringTime(_:)``.
    func verifySignedToken(_ token: String) throws(AXPSimError) -> ChatTokenClaims {
        guard token.hasPrefix(Self.tokenPrefix) else { throw .tokenRejected(.missingPrefix) }
        let compact = String(token.dropFirst(Self.tokenPrefix.count))
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
        guard let key = state.withLock({ state in state.all.first { $0.kid == kid } }) else { throw .tokenRejected(.unknownKey) }
        guard let signature = Base64URL.decode(parts[2]), key.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8)) else {
            throw .tokenRejected(.badSignature)
        }
        guard let payload = Base64URL.decode(parts[1]), let claims = try? JSONDecoder.jwt.decode(ChatTokenClaims.self, from: payload) else {
            throw .tokenRejected(.malformed)
        }
        guard claims.aud.value.contains(ChatTokenClaims.audience) else { throw .tokenRejected(.wrongAudience) }
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
