import AXPSimAuth
import AXPSimCore
import Foundation
import Synchronization
import Testing

@Suite struct KeyRingTests {
    static let key: SigningKey = {
        do { return try SigningKey.generate() } catch { fatalError("cannot generate a key: \(error)") }
    }()

    func claims(name: String? = "Ann", identifiers: [String: [String]]? = nil, issuedAt: Date = Date(timeIntervalSince1970: 2_000_000_000), lifetime: TimeInterval = 900)
        -> ChatTokenClaims
    {
        ChatTokenClaims(
            issuer: "http://127.0.0.1:1", jti: UUID().uuidString, issuedAt: issuedAt, expiresAt: issuedAt + lifetime, accountId: "DEMOAA",
            integrationId: "i", customerId: "c", customerName: name, verifiedCustomer: identifiers != nil, customerIdentifiers: identifiers)
    }

    func payloadSegment(_ token: String) -> String {
        String(token.split(separator: ".")[2])
    }

    /// The payload is written without `JSONEncoder`; it must be the JSON value jwt-kit's encoding
    /// of the claims is (key order and `\/` aside), with and without the optional claims.
    @Test(arguments: [nil, "Ann é>~?", ""], [nil, ["emails": ["a@b.c", "d/e"]], [:]] as [[String: [String]]?])
    func payloadIsJWTKitsJSON(name: String?, identifiers: [String: [String]]?) throws {
        let original = claims(name: name, identifiers: identifiers)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let expected = try JSONSerialization.jsonObject(with: encoder.encode(original)) as? NSDictionary
        let written = try JSONSerialization.jsonObject(with: original.payloadJSON) as? NSDictionary
        #expect(written != nil && written == expected, "\(String(decoding: original.payloadJSON, as: UTF8.self))")
        let ring = try KeyRing(keys: [Self.key])
        #expect(try ring.verify(try ring.mint(original), now: original.issuedAt + 1) == original)
    }

    @Test func mintAndVerifyRoundTrip() throws {
        let ring = try KeyRing(keys: [Self.key])
        let original = claims(identifiers: ["e": ["a@b"]])
        let token = try ring.mint(original)
        #expect(token.hasPrefix("jwt."))
        let verified = try ring.verify(token, now: original.issuedAt + 10)
        #expect(verified == original)
    }

    @Test(arguments: ["~~~", "???", ">>>", "é名🎉", "\u{7f}", "a?b>c~d", String(repeating: "?~>", count: 30)])
    func payloadIsAtobSafe(name: String) throws {
        let ring = try KeyRing(keys: [Self.key])
        let token = try ring.mint(claims(name: name, identifiers: [name: [name]]))
        let segment = payloadSegment(token)
        #expect(!segment.contains("-") && !segment.contains("_"))
        let decoded = try #require(Data(base64Encoded: segment + String(repeating: "=", count: (4 - segment.count % 4) % 4)))
        let json = try #require(try JSONSerialization.jsonObject(with: decoded) as? [String: Any])
        #expect(json["customerName"] as? String == name)
    }

    @Test func randomNamesAreAlwaysAtobSafe() throws {
        let ring = try KeyRing(keys: [Self.key])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<40 {
            let scalars = (0..<Int.random(in: 1...70, using: &generator)).compactMap { _ in Unicode.Scalar(UInt32.random(in: 32...0x2FFF, using: &generator)) }
            let name = String(String.UnicodeScalarView(scalars))
            let segment = payloadSegment(try ring.mint(claims(name: name)))
            #expect(!segment.contains("-") && !segment.contains("_"), "name \(name)")
        }
    }

    @Test func rejectionsHaveDistinctCodes() throws {
        let ring = try KeyRing(keys: [Self.key])
        let good = claims()
        let token = try ring.mint(good)
        let at = good.issuedAt + 1
        func code(_ token: String, now: Date) -> String? {
            do {
                _ = try ring.verify(token, now: now)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code(token, now: at) == nil)
        #expect(code(String(token.dropFirst(KeyRing.tokenPrefix.count)), now: at) == "token_missing_prefix")
        #expect(KeyRing.unverifiedAccountId(String(token.dropFirst(KeyRing.tokenPrefix.count))) == nil)
        #expect(code(token, now: good.expiresAt) == "token_expired")
        #expect(code(token, now: good.issuedAt - 60) == "token_not_yet_valid")
        var parts = token.split(separator: ".").map(String.init)
        let tampered = parts[3].hasPrefix("A") ? "B" + parts[3].dropFirst() : "A" + parts[3].dropFirst()
        #expect(code([parts[0], parts[1], parts[2], tampered].joined(separator: "."), now: at) == "token_bad_signature")
        let none = Base64URL.encode(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
        #expect(code("jwt.\(none).\(parts[2]).", now: at) == "token_alg_none")
        let hs = Base64URL.encode(Data(#"{"alg":"HS256","kid":"\#(Self.key.kid)"}"#.utf8))
        #expect(code("jwt.\(hs).\(parts[2]).\(parts[3])", now: at) == "token_unsupported_alg")
        let unknown = Base64URL.encode(Data(#"{"alg":"RS256","kid":"nope"}"#.utf8))
        #expect(code("jwt.\(unknown).\(parts[2]).\(parts[3])", now: at) == "token_unknown_key")
        #expect(code("jwt.garbage", now: at) == "token_malformed")
        #expect(code("garbage", now: at) == "token_missing_prefix")
        parts[2] = Base64URL.encode(Data(#"{"aud":"other"}"#.utf8))
        #expect(code(parts.joined(separator: "."), now: at) == "token_bad_signature")
    }

    @Test func rotationKeepsOldTokensValid() throws {
        let ring = try KeyRing(keys: [Self.key])
        let old = try ring.mint(claims())
        let next = try SigningKey.generate()
        try ring.rotate(to: next)
        #expect(try ring.activeKid() == next.kid)
        let new = try ring.mint(claims())
        _ = try ring.verify(old, now: claims().issuedAt + 1)
        _ = try ring.verify(new, now: claims().issuedAt + 1)
        #expect(try ring.jwks().map { $0["kid"] } == [Self.key.kid, next.kid])
        #expect(try ring.jwks().allSatisfy { $0["kty"] == "RSA" && $0["alg"] == "RS256" && $0["n"] != nil && $0["e"] == "AQAB" })
    }

    @Test func keysSurviveAPEMRoundTrip() throws {
        let copy = try SigningKey(kid: Self.key.kid, privateKeyPEM: Self.key.privateKeyPEM)
        #expect(try copy.jwk() == Self.key.jwk())
    }
}

@Suite struct KeyRingCacheTests {
    static let key: SigningKey = {
        do { return try SigningKey.generate() } catch { fatalError("cannot generate a key: \(error)") }
    }()

    func claims(issuedAt: Date = Date(timeIntervalSince1970: 2_000_000_000)) -> ChatTokenClaims {
        ChatTokenClaims(
            issuer: "http://127.0.0.1:1", jti: UUID().uuidString, issuedAt: issuedAt, expiresAt: issuedAt + 900, accountId: "DEMOAA",
            integrationId: "i", customerId: "c", customerName: nil, verifiedCustomer: false, customerIdentifiers: nil)
    }

    func code(_ body: () throws -> ChatTokenClaims) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return (error as? AXPSimError)?.code
        }
    }

    @Test func aCachedTokenStillHasItsTimeChecked() throws {
        let ring = try KeyRing(keys: [Self.key])
        let original = claims()
        let token = try ring.mint(original)
        #expect(try ring.verify(token, now: original.issuedAt + 10) == original)
        #expect(try ring.verify(token, now: original.issuedAt + 20) == original)
        #expect(code { try ring.verify(token, now: original.expiresAt) } == "token_expired")
        #expect(code { try ring.verify(token, now: original.issuedAt - 60) } == "token_not_yet_valid")
        #expect(ring.accountIdHint(token) == "DEMOAA")
    }

    @Test func replacingTheKeysForgetsTokensTheyVerified() throws {
        let ring = try KeyRing(keys: [Self.key])
        let original = claims()
        let token = try ring.mint(original)
        _ = try ring.verify(token, now: original.issuedAt + 10)
        try ring.replace(with: [try SigningKey.generate()])
        #expect(code { try ring.verify(token, now: original.issuedAt + 10) } == "token_unknown_key")
    }

    @Test func aTamperedCopyOfACachedTokenIsRejected() throws {
        let ring = try KeyRing(keys: [Self.key])
        let original = claims()
        let token = try ring.mint(original)
        _ = try ring.verify(token, now: original.issuedAt + 10)
        var parts = token.split(separator: ".").map(String.init)
        parts[3] = String(parts[3].reversed())
        #expect(code { try ring.verify(parts.joined(separator: "."), now: original.issuedAt + 10) } == "token_bad_signature")
    }

    // MARK: A first key made in the background

    /// A ring whose first key (``key``) is made only once `release` is signalled.
    func ringWithHeldFirstKey() -> (ring: KeyRing, release: DispatchSemaphore) {
        let release = DispatchSemaphore(value: 0)
        let ring = KeyRing(
            generatingFirstKey: {
                release.wait()
                return Self.key
            }, store: { _ in })
        return (ring, release)
    }

    @Test func mintWaitsForTheFirstKeyAndVerificationDoesNot() throws {
        let (ring, release) = ringWithHeldFirstKey()
        // No key yet: a token of another key is refused at once (the generation is still blocked).
        let other = try KeyRing(keys: [try SigningKey.generate()])
        let original = claims()
        let foreign = try other.mint(original)
        #expect(code { try ring.verify(foreign, now: original.issuedAt + 1) } == "token_unknown_key")
        // A mint started now can only finish with the first key, so it waited for it.
        let minted = Mutex<Result<String, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let result = Result { try ring.mint(original) }
            minted.withLock { $0 = result }
            done.signal()
        }
        release.signal()
        done.wait()
        let token = try #require(minted.withLock { $0 }).get()
        #expect(try ring.verify(token, now: original.issuedAt + 1) == original)
        #expect(try ring.activeKid() == Self.key.kid)
        #expect(try ring.jwks().map { $0["kid"] } == [Self.key.kid])
    }

    @Test func aFailedFirstKeyIsEveryKeyUsersError() throws {
        let ring = KeyRing(generatingFirstKey: { throw AXPSimError.internalError("no entropy") }, store: { _ in })
        #expect(throws: AXPSimError.internalError("no entropy")) { try ring.waitForFirstKey() }
        #expect(throws: AXPSimError.internalError("no entropy")) { try ring.mint(claims()) }
        #expect(throws: AXPSimError.internalError("no entropy")) { try ring.jwks() }
        #expect(throws: AXPSimError.internalError("no entropy")) { try ring.waitForStoredFirstKey() }
    }

    @Test func aKeyThatCannotBeStoredStillSignsButStoredWaitersGetTheError() throws {
        let ring = KeyRing(generatingFirstKey: { Self.key }, store: { _ in throw AXPSimError.internalError("disk full") })
        #expect(throws: AXPSimError.internalError("disk full")) { try ring.waitForStoredFirstKey() }
        let original = claims()
        #expect(try ring.verify(try ring.mint(original), now: original.issuedAt + 1) == original)
    }

    /// A mint inside a write transaction waits only for the key, never for its storing (which
    /// needs that writer): here storing cannot finish until the mint has returned.
    @Test func mintDoesNotWaitForTheKeyToBeStored() throws {
        let minted = DispatchSemaphore(value: 0)
        let ring = KeyRing(generatingFirstKey: { Self.key }, store: { _ in minted.wait() })
        let original = claims()
        let token = try ring.mint(original)
        minted.signal()
        try ring.waitForStoredFirstKey()
        #expect(try ring.verify(token, now: original.issuedAt + 1) == original)
    }

    @Test func rotationDuringTheFirstKeyComesAfterIt() throws {
        let (ring, release) = ringWithHeldFirstKey()
        let next = try SigningKey.generate()
        let done = DispatchSemaphore(value: 0)
        let rotated = Mutex<(any Error)?>(nil)
        DispatchQueue.global().async {
            do { try ring.rotate(to: next) } catch { rotated.withLock { $0 = error } }
            done.signal()
        }
        release.signal()
        done.wait()
        #expect(rotated.withLock { $0 } == nil)
        #expect(try ring.activeKid() == next.kid)
        #expect(try ring.jwks().map { $0["kid"] } == [Self.key.kid, next.kid])
    }
}
