import AXPSimTLS
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

/// The local CA behind `axpsim serve --tls`: generated once, reused, and issuing a server
/// certificate a browser accepts for localhost, 127.0.0.1 and ::1.
@Suite struct LocalCertificateAuthorityTests {
    /// A new empty folder, removed by the caller.
    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("axpsim-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    static func ip(_ bytes: [UInt8]) -> GeneralName { .ipAddress(ASN1OctetString(contentBytes: bytes[...])) }

    @Test func generatesACAWithTheRightExtensionsAndPrivateKeyFiles() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let authority = try LocalCertificateAuthority.loadOrCreate(directory: directory)
        let ca = authority.certificate
        #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(ca.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        #expect(try ca.extensions.keyUsage?.keyCertSign == true)
        #expect(try ca.extensions.subjectKeyIdentifier != nil)
        #expect(ca.issuer == ca.subject)
        #expect(ca.publicKey.isValidSignature(ca.signature, for: ca), "self-signed")
        #expect(authority.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        let keyPath = (directory as NSString).appendingPathComponent(LocalCertificateAuthority.caKeyFileName)
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----"), "PKCS#8")
        #expect(try Self.mode(keyPath) == 0o600)
        #expect(try String(contentsOfFile: authority.certificatePath, encoding: .utf8) == authority.certificatePEM)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "atomic writes leave no temporary files")
    }

    @Test func reloadingGivesTheSameCA() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try LocalCertificateAuthority.loadOrCreate(directory: directory)
        let firstServer = try first.serverCredentials()
        let second = try LocalCertificateAuthority.loadOrCreate(directory: directory)
        #expect(second.certificatePEM == first.certificatePEM)
        #expect(second.certificate == first.certificate)
        let secondServer = try second.serverCredentials()
        #expect(firstServer.issued)
        #expect(!secondServer.issued, "a good leaf is reused")
        #expect(secondServer.certificatePEM == firstServer.certificatePEM)
        #expect(secondServer.keyPEM == firstServer.keyPEM)
    }

    @Test func serverCertificateCoversLoopbackAndIsABrowserAcceptableLeaf() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let now = Date()
        let authority = try LocalCertificateAuthority.loadOrCreate(directory: directory)
        let server = try authority.serverCredentials(for: ["127.0.0.1"], now: now)
        let leaf = server.certificate
        let names = try #require(try leaf.extensions.subjectAlternativeNames)
        #expect(Array(names) == [.dnsName("localhost"), Self.ip([127, 0, 0, 1]), Self.ip(Array(repeating: 0, count: 15) + [1])])
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try leaf.extensions.keyUsage?.digitalSignature == true)
        #expect(try leaf.extensions.keyUsage?.keyCertSign == false)
        #expect(try leaf.extensions.extendedKeyUsage?.contains(.serverAuth) == true)
        #expect(
            try leaf.extensions.authorityKeyIdentifier?.keyIdentifier == authority.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
        #expect(leaf.notValidAfter.timeIntervalSince(leaf.notValidBefore) <= 397 * 86_400, "Chrome's limit for a leaf")
        #expect(leaf.notValidBefore <= now && leaf.notValidAfter > now)
        #expect(leaf.issuer == authority.certificate.subject)
        #expect(authority.certificate.publicKey.isValidSignature(leaf.signature, for: leaf), "signed by the CA")
        #expect(try Certificate.PrivateKey(pemEncoded: server.keyPEM).publicKey == leaf.publicKey)
        #expect(server.keyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try Self.mode(server.keyPath) == 0o600)
        #expect(try String(contentsOfFile: server.certificatePath, encoding: .utf8) == server.certificatePEM)
    }

    /// (hostname, IP) pairs a client may check the server certificate against.
    static let identities: [(String?, String?)] = [("localhost", nil), (nil, "127.0.0.1"), (nil, "::1"), ("axpsim.test", nil)]

    @Test(arguments: identities)
    func x509VerifierAcceptsTheChain(hostname: String?, ip: String?) async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let authority = try LocalCertificateAuthority.loadOrCreate(directory: directory)
        let server = try authority.serverCredentials(for: ["axpsim.test"])
        var verifier = Verifier(rootCertificates: CertificateStore([authority.certificate])) {
            RFC5280Policy()
            ServerIdentityPolicy(serverHostname: hostname, serverIP: ip)
        }
        let result = await verifier.validate(leaf: server.certificate, intermediates: CertificateStore())
        guard case .validCertificate(let chain) = result else {
            Issue.record("not valid for \(hostname ?? ip ?? ""): \(result)")
            return
        }
        #expect(chain.count == 2)
    }

    @Test func verifierRejectsAnotherName() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let authority = try LocalCertificateAuthority.loadOrCreate(directory: directory)
        let server = try authority.serverCredentials()
        var verifier = Verifier(rootCertificates: CertificateStore([authority.certificate])) {
            RFC5280Policy()
            ServerIdentityPolicy(serverHostname: "example.com", serverIP: nil)
        }
        let result = await verifier.validate(leaf: server.certificate, intermediates: CertificateStore())
        guard case .couldNotValidate = result else {
            Issue.record("example.com must not be covered")
            return
        }
    }

    @Test func anotherHostReissuesTheLeafUnderTheSameCA() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let authority = try LocalCertificateAuthority.loadOrCreate(directory: directory)
        let first = try authority.serverCredentials(for: ["127.0.0.1"])
        let forHost = try authority.serverCredentials(for: ["10.1.2.3"])
        #expect(forHost.issued)
        #expect(forHost.certificatePEM != first.certificatePEM)
        #expect(try forHost.certificate.extensions.subjectAlternativeNames?.contains(Self.ip([10, 1, 2, 3])) == true)
        let forName = try LocalCertificateAuthority.loadOrCreate(directory: directory).serverCredentials(for: ["Dev.Example"])
        #expect(try forName.certificate.extensions.subjectAlternativeNames?.contains(.dnsName("dev.example")) == true)
        #expect(try LocalCertificateAuthority.loadOrCreate(directory: directory).certificatePEM == authority.certificatePEM)
    }

    @Test func wildcardHostsAddNoNames() {
        #expect(LocalCertificateAuthority.subjectAlternativeNames(for: ["0.0.0.0", "::", "", "[::1]", "LOCALHOST"]).count == 3)
    }

    @Test func expiredLeafIsReissued() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let authority = try LocalCertificateAuthority.loadOrCreate(directory: directory)
        let first = try authority.serverCredentials()
        let later = Date().addingTimeInterval(LocalCertificateAuthority.serverLifetime)
        let renewed = try authority.serverCredentials(now: later)
        #expect(renewed.issued)
        #expect(renewed.certificate.notValidAfter > first.certificate.notValidAfter)
        #expect(authority.certificate.publicKey.isValidSignature(renewed.certificate.signature, for: renewed.certificate))
    }

    @Test func leafOfAnotherCAIsReplaced() throws {
        let directory = try Self.temporaryDirectory()
        let other = try Self.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: other)
        }
        let authority = try LocalCertificateAuthority.loadOrCreate(directory: directory)
        _ = try authority.serverCredentials()
        let stranger = try LocalCertificateAuthority.loadOrCreate(directory: other).serverCredentials()
        try stranger.certificatePEM.write(toFile: (directory as NSString).appendingPathComponent("server.pem"), atomically: true, encoding: .utf8)
        try stranger.keyPEM.write(toFile: (directory as NSString).appendingPathComponent("server-key.pem"), atomically: true, encoding: .utf8)
        let fixed = try authority.serverCredentials()
        #expect(fixed.issued)
        #expect(authority.certificate.publicKey.isValidSignature(fixed.certificate.signature, for: fixed.certificate))
    }

    @Test func brokenCAFolderIsReportedAndLeftAlone() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let authority = try LocalCertificateAuthority.loadOrCreate(directory: directory)
        let keyPath = (directory as NSString).appendingPathComponent(LocalCertificateAuthority.caKeyFileName)
        try FileManager.default.removeItem(atPath: keyPath)
        #expect(throws: LocalCertificateAuthority.Error.self) { try LocalCertificateAuthority.loadOrCreate(directory: directory) }
        #expect(try String(contentsOfFile: authority.certificatePath, encoding: .utf8) == authority.certificatePEM, "left alone")
        try "not a key".write(toFile: keyPath, atomically: true, encoding: .utf8)
        do {
            _ = try LocalCertificateAuthority.loadOrCreate(directory: directory)
            Issue.record("a corrupt key must be reported")
        } catch {
            guard case .invalid(let path, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(path.hasSuffix(LocalCertificateAuthority.caKeyFileName))
        }
    }

    @Test func mismatchedOwnKeyPairIsRefused() throws {
        let first = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let second = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("own") }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: first.publicKey, notValidBefore: Date(), notValidAfter: Date() + 3600,
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: .init(), issuerPrivateKey: first)
        let pem = try certificate.serializeAsPEM().pemString
        #expect(throws: LocalCertificateAuthority.Error.self) {
            try LocalCertificateAuthority.checkKeyPair(certificatePEM: pem, keyPEM: second.pemRepresentation, certificatePath: "c", keyPath: "k")
        }
        try LocalCertificateAuthority.checkKeyPair(
            certificatePEM: pem, keyPEM: try first.serializeAsPEM().pemString, certificatePath: "c", keyPath: "k")
    }
}
