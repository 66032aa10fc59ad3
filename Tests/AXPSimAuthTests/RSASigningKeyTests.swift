import AXPSimAuth
import AXPSimOpenSSL
import Crypto
import CryptoExtras
import Dispatch
import Foundation
import JWTKit
import Synchronization
import Testing

/// The OpenSSL signer (AXPSimOpenSSL) against swift-crypto, which signed before it: RSASSA-PKCS1-v1_5
/// is deterministic, so both must give the same bytes for the same key and input.
@Suite struct RSASigningKeyTests {
    static let key: _RSA.Signing.PrivateKey = {
        do { return try _RSA.Signing.PrivateKey(keySize: .bits2048) } catch { fatalError("cannot generate a key: \(error)") }
    }()

    /// Signing inputs, by name (so a failure names the input rather than printing 100 KB).
    enum Input: String, CaseIterable, Sendable {
        case empty, oneByte, jwtSigningInput, nonASCII, hundredKilobytes

        var bytes: [UInt8] {
            switch self {
            case .empty: []
            case .oneByte: Array("a".utf8)
            case .jwtSigningInput: Array("eyJhbGciOiJSUzI1NiIsImtpZCI6ImF4cHNpbS0xIiwidHlwIjoiSldUIn0.eyJzdWIiOiJjIn0".utf8)
            case .nonASCII: Array("é名🎉 \u{0}\u{7f}".utf8)
            case .hundredKilobytes: (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
            }
        }
    }

    func swiftCryptoSignature(_ input: [UInt8], key: _RSA.Signing.PrivateKey = Self.key) throws -> [UInt8] {
        Array(try key.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
    }

    @Test(arguments: Input.allCases)
    func opensslSignsTheSameBytesAsSwiftCrypto(_ named: Input) throws {
        let input = named.bytes
        let signer = try RSASigningKey(pemRepresentation: Self.key.pemRepresentation)
        #expect(signer.signatureSize == 256)
        let signature = try signer.signRS256(input)
        #expect(signature == (try swiftCryptoSignature(input)))
        // A non-contiguous collection gives the same bytes.
        #expect(try signer.signRS256(input.lazy.map { $0 }) == signature)
        #expect(Self.key.publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5))
    }

    @Test func pkcs8AndPKCS1KeysSignAlike() throws {
        let pkcs1 = try RSASigningKey(pemRepresentation: Self.key.pemRepresentation)
        let pkcs8 = try RSASigningKey(pemRepresentation: Self.key.pkcs8PEMRepresentation)
        let input = Array("header.payload".utf8)
        #expect(try pkcs1.signRS256(input) == (try pkcs8.signRS256(input)))
    }

    @Test func aFourThousandBitKeyGivesLongerSignatures() throws {
        let big = try _RSA.Signing.PrivateKey(keySize: .bits4096)
        let signer = try RSASigningKey(pemRepresentation: big.pemRepresentation)
        #expect(signer.signatureSize == 512)
        let input = Array("x".utf8)
        #expect(try signer.signRS256(input) == (try swiftCryptoSignature(input, key: big)))
    }

    @Test func unreadableAndNonRSAKeysHaveStableCodes() throws {
        let garbage = #expect(throws: OpenSSLFailure.self) { try RSASigningKey(pemRepresentation: "not a key") }
        #expect(garbage?.code == .unreadableKey)
        let truncated = #expect(throws: OpenSSLFailure.self) { try RSASigningKey(pemRepresentation: String(Self.key.pemRepresentation.dropLast(200))) }
        #expect(truncated?.code == .unreadableKey)
        let elliptic = #expect(throws: OpenSSLFailure.self) { try RSASigningKey(pemRepresentation: P256.Signing.PrivateKey().pemRepresentation) }
        #expect(elliptic?.code == .notRSA)
        #expect(OpenSSLFailure.Code.unreadableKey.rawValue == "openssl_unreadable_key")
        #expect(OpenSSLFailure.Code.notRSA.rawValue == "openssl_not_rsa")
        #expect(OpenSSLFailure.Code.signingFailed.rawValue == "openssl_signing_failed")
    }

    @Test func oneKeySignsOnManyThreadsAtOnce() throws {
        let signer = try RSASigningKey(pemRepresentation: Self.key.pemRepresentation)
        let inputs = (0..<64).map { Array("input \($0)".utf8) }
        let expected = try inputs.map { try swiftCryptoSignature($0) }
        let results = Mutex<[Int: [UInt8]]>([:])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
            do {
                let signature = try signer.signRS256(inputs[index])
                results.withLock { $0[index] = signature }
            } catch {
                failures.withLock { $0.append("\(index): \(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let signed = results.withLock { $0 }
        #expect(signed.count == inputs.count)
        for index in inputs.indices { #expect(signed[index] == expected[index], "input \(index)") }
    }

    @Test func keyRingTokensAreSwiftCryptoSignaturesAndVerifyWithJWTKit() async throws {
        let key = try SigningKey(kid: "axpsim-test", privateKeyPEM: Self.key.pemRepresentation)
        let ring = try KeyRing(keys: [key])
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let claims = ChatTokenClaims(
            issuer: "http://127.0.0.1:1", jti: UUID().uuidString, issuedAt: now, expiresAt: now + 900, accountId: "DEMOAA",
            integrationId: "i", customerId: "c", customerName: "Ann", verifiedCustomer: false, customerIdentifiers: nil)
        let token = try ring.mint(claims)
        let compact = String(token.dropFirst(KeyRing.tokenPrefix.count))
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3)
        let signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        #expect(Base64URL.decode(parts[2]).map(Array.init) == (try swiftCryptoSignature(signingInput)))

        let collection = JWTKeyCollection()
        let publicKey = try Insecure.RSA.PublicKey(backing: Self.key.publicKey)
        await collection.add(rsa: publicKey, digestAlgorithm: .sha256, kid: "axpsim-test")
        let verified = try await collection.verify(compact, as: ChatTokenClaims.self)
        #expect(verified == claims)
        #expect(try ring.verify(token, now: now + 10) == claims)
    }
}
