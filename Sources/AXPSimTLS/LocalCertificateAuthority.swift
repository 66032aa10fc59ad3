import Crypto
import Foundation
import SwiftASN1
import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The emulator's own certificate authority, kept in one folder (by default `.axpsim/tls/`, beside
/// the database), so that `axpsim serve --tls` can serve HTTPS and WSS that a browser accepts once
/// the developer trusts the CA (`axpsim cert` prints it).
///
/// The folder holds:
///
/// | file | what | mode |
/// | --- | --- | --- |
/// | `ca.pem` | the CA certificate to trust (P-256, 10 years, `CA:true`, `keyCertSign`) | 0644 |
/// | `ca-key.pem` | its private key, PKCS#8 | 0600 |
/// | `server.pem` | the server (leaf) certificate, signed by the CA | 0644 |
/// | `server-key.pem` | its private key, PKCS#8 | 0600 |
///
/// The CA is generated once, when both of its files are missing, and then reused for as long as it
/// is valid, so a browser keeps trusting it across restarts. The leaf is disposable: it is issued
/// again whenever it is missing, unreadable, not signed by the CA, expired or close to expiry
/// (``renewalMargin``), or its subject alternative names don't cover the host being served. Every
/// file is written atomically (a temporary file in the same folder, then `rename`), and generation
/// runs under an exclusive `flock` on `.lock` in the folder, so several emulators starting at once
/// on one folder agree on one CA.
public struct LocalCertificateAuthority: Sendable {
    /// Why the local CA or a certificate could not be loaded or made.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// The folder cannot be created or locked.
        case directory(path: String, reason: String)
        /// A file exists but cannot be read.
        case unreadable(path: String, reason: String)
        /// A file cannot be written.
        case unwritable(path: String, reason: String)
        /// A file is not what it should be (not PEM, not a CA, key and certificate don't match, …).
        case invalid(path: String, reason: String)
        /// Building or signing a certificate failed.
        case generation(reason: String)

        public var description: String {
            switch self {
            case .directory(let path, let reason): "TLS folder \(path): \(reason)"
            case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
            case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
            case .invalid(let path, let reason): "invalid TLS file \(path): \(reason)"
            case .generation(let reason): "cannot generate a certificate: \(reason)"
            }
        }
    }

    /// File names inside the folder.
    public static let caCertificateFileName = "ca.pem"
    public static let caKeyFileName = "ca-key.pem"
    public static let serverCertificateFileName = "server.pem"
    public static let serverKeyFileName = "server-key.pem"
    static let lockFileName = ".lock"

    /// Lifetime of a new CA certificate.
    public static let caLifetime: TimeInterval = 10 * 365 * 86_400
    /// Lifetime of a new server certificate: within the 397 days that Chrome and Safari accept.
    public static let serverLifetime: TimeInterval = 365 * 86_400
    /// A server certificate that expires sooner than this is issued again.
    public static let renewalMargin: TimeInterval = 7 * 86_400
    /// Back-dating of `notValidBefore`, for clocks that lag a little.
    static let backdating: TimeInterval = 3600

    /// Names every server certificate covers, whatever the host: `localhost`, `127.0.0.1`, `::1`.
    public static let defaultHosts = ["localhost", "127.0.0.1", "::1"]

    /// The folder, as an absolute path.
    public let directory: String
    /// The CA certificate.
    public let certificate: Certificate
    /// The CA certificate as PEM: what a browser or client must trust.
    public let certificatePEM: String
    let privateKey: Certificate.PrivateKey

    /// Where the CA certificate is (``caCertificateFileName`` in ``directory``).
    public var certificatePath: String { Self.path(directory, Self.caCertificateFileName) }

    /// A server certificate issued by the local CA, with its key, as text and as files.
    public struct ServerCredentials: Sendable {
        /// The leaf certificate.
        public let certificate: Certificate
        /// The leaf certificate as PEM (what libmicrohttpd takes).
        public let certificatePEM: String
        /// The leaf's private key as PKCS#8 PEM.
        public let keyPEM: String
        /// The files holding them (what libwebsockets takes).
        public let certificatePath: String
        public let keyPath: String
        /// True when this call issued the certificate, false when an existing one was reused.
        public let issued: Bool
    }

    // MARK: Loading

    /// Loads the CA in `directory`, creating the folder and a new CA when neither `ca.pem` nor
    /// `ca-key.pem` exists there (or when the CA has expired).
    ///
    /// - Throws: ``Error/invalid(path:reason:)`` when only one of the two files exists, or they are
    ///   not a CA certificate and its key: the folder is left untouched, since a browser may trust
    ///   that CA. Delete the folder to start over.
    public static func loadOrCreate(directory: String, now: Date = Date()) throws(Error) -> LocalCertificateAuthority {
        let directory = absolutePath(directory)
        try createDirectory(directory)
        return try withLock(directory) { () throws(Error) in try loadOrCreateLocked(directory: directory, now: now) }
    }

    private static func loadOrCreateLocked(directory: String, now: Date) throws(Error) -> LocalCertificateAuthority {
        let certificatePath = path(directory, caCertificateFileName)
        let keyPath = path(directory, caKeyFileName)
        let certificateText = try readIfPresent(certificatePath)
        let keyText = try readIfPresent(keyPath)
        switch (certificateText, keyText) {
        case (nil, nil):
            return try create(directory: directory, now: now)
        case (.some, nil):
            throw .invalid(path: keyPath, reason: "missing while \(caCertificateFileName) exists; delete the folder to start over")
        case (nil, .some):
            throw .invalid(path: certificatePath, reason: "missing while \(caKeyFileName) exists; delete the folder to start over")
        case (.some(let certificateText), .some(let keyText)):
            let certificate = try parseCertificate(certificateText, path: certificatePath)
            let key = try parseKey(keyText, path: keyPath)
            guard key.publicKey == certificate.publicKey else {
                throw .invalid(path: keyPath, reason: "does not match \(caCertificateFileName); delete the folder to start over")
            }
            guard case .isCertificateAuthority = try basicConstraints(of: certificate, path: certificatePath),
                (try keyUsage(of: certificate, path: certificatePath))?.keyCertSign ?? true
            else {
                throw .invalid(path: certificatePath, reason: "not a CA certificate")
            }
            if certificate.notValidAfter <= now.addingTimeInterval(renewalMargin) {
                // An expired CA is of no use to anyone: replace it (the browser must trust the new one).
                return try create(directory: directory, now: now)
            }
            return LocalCertificateAuthority(
                directory: directory, certificate: certificate, certificatePEM: certificateText, privateKey: key)
        }
    }

    /// Generates a new CA and writes it to the folder (the caller holds the lock).
    private static func create(directory: String, now: Date) throws(Error) -> LocalCertificateAuthority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let keyIdentifier = SubjectKeyIdentifier(hash: key.publicKey)
        let tag = keyIdentifier.keyIdentifier.prefix(4).map { String(format: "%02x", $0) }.joined()
        let certificate: Certificate
        do {
            let name = try DistinguishedName {
                OrganizationName("axpsim")
                OrganizationalUnitName("local development CA")
                CommonName("axpsim local CA \(tag)")
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                keyIdentifier
            }
            certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                notValidBefore: now.addingTimeInterval(-backdating), notValidAfter: now.addingTimeInterval(caLifetime),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: key)
        } catch {
            throw .generation(reason: "\(error)")
        }
        let certificatePEM = try pem(certificate)
        let keyPEM = try pem(key)
        // Key first: a reader that finds the certificate finds its key too.
        try writeAtomically(keyPEM, to: path(directory, caKeyFileName), mode: 0o600)
        try writeAtomically(certificatePEM, to: path(directory, caCertificateFileName), mode: 0o644)
        // A leaf of an earlier CA is now useless.
        unlink(path(directory, serverCertificateFileName))
        unlink(path(directory, serverKeyFileName))
        return LocalCertificateAuthority(directory: directory, certificate: certificate, certificatePEM: certificatePEM, privateKey: key)
    }

    // MARK: Server certificate

    /// The server certificate for `hosts` (besides ``defaultHosts``): the one in the folder when it
    /// is still good, else a newly issued one (written to the folder).
    ///
    /// - Parameter hosts: names or IP literals the server is reached by (such as `--host`);
    ///   wildcard addresses (`0.0.0.0`, `::`) and empty strings are ignored.
    public func serverCredentials(for hosts: [String] = [], now: Date = Date()) throws(Error) -> ServerCredentials {
        let names = Self.subjectAlternativeNames(for: hosts)
        return try Self.withLock(directory) { () throws(Error) in
            if let existing = try loadServerCredentials(covering: names, now: now) { return existing }
            return try issueServerCredentials(names: names, now: now)
        }
    }

    /// The leaf in the folder, if it is readable, matches its key, is signed by this CA, is valid
    /// for a while yet and covers `names`.
    private func loadServerCredentials(covering names: [GeneralName], now: Date) throws(Error) -> ServerCredentials? {
        let certificatePath = Self.path(directory, Self.serverCertificateFileName)
        let keyPath = Self.path(directory, Self.serverKeyFileName)
        guard let certificateText = try Self.readIfPresent(certificatePath), let keyText = try Self.readIfPresent(keyPath),
            let certificate = try? Certificate(pemEncoded: certificateText), let key = try? Certificate.PrivateKey(pemEncoded: keyText),
            key.publicKey == certificate.publicKey,
            certificate.issuer == self.certificate.subject,
            self.certificate.publicKey.isValidSignature(certificate.signature, for: certificate),
            certificate.notValidBefore <= now,
            certificate.notValidAfter > now.addingTimeInterval(Self.renewalMargin),
            certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore) <= 397 * 86_400,
            let present = try? certificate.extensions.subjectAlternativeNames,
            names.allSatisfy({ present.contains($0) })
        else { return nil }
        return ServerCredentials(
            certificate: certificate, certificatePEM: certificateText, keyPEM: keyText, certificatePath: certificatePath, keyPath: keyPath,
            issued: false)
    }

    /// Issues a new leaf for `names`, signed by this CA, and writes it to the folder.
    private func issueServerCredentials(names: [GeneralName], now: Date) throws(Error) -> ServerCredentials {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let certificate: Certificate
        do {
            let authorityKeyIdentifier = try self.certificate.extensions.subjectKeyIdentifier ?? SubjectKeyIdentifier(hash: self.certificate.publicKey)
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
                SubjectKeyIdentifier(hash: key.publicKey)
                AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier.keyIdentifier)
            }
            let subject = try DistinguishedName {
                OrganizationName("axpsim")
                CommonName("localhost")
            }
            certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                notValidBefore: now.addingTimeInterval(-Self.backdating), notValidAfter: now.addingTimeInterval(Self.serverLifetime),
                issuer: self.certificate.subject, subject: subject, extensions: extensions, issuerPrivateKey: privateKey)
        } catch {
            throw .generation(reason: "\(error)")
        }
        let certificatePEM = try Self.pem(certificate)
        let keyPEM = try Self.pem(key)
        let certificatePath = Self.path(directory, Self.serverCertificateFileName)
        let keyPath = Self.path(directory, Self.serverKeyFileName)
        try Self.writeAtomically(keyPEM, to: keyPath, mode: 0o600)
        try Self.writeAtomically(certificatePEM, to: certificatePath, mode: 0o644)
        return ServerCredentials(
            certificate: certificate, certificatePEM: certificatePEM, keyPEM: keyPEM, certificatePath: certificatePath, keyPath: keyPath,
            issued: true)
    }

    /// The subject alternative names of a server certificate for `hosts`: ``defaultHosts`` first,
    /// then each other host as an IP address or a DNS name, without duplicates.
    public static func subjectAlternativeNames(for hosts: [String]) -> [GeneralName] {
        var names: [GeneralName] = []
        for host in defaultHosts + hosts {
            var host = host.trimmingCharacters(in: .whitespaces)
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            if let zone = host.firstIndex(of: "%") { host = String(host[..<zone]) }
            guard !host.isEmpty else { continue }
            let name: GeneralName
            if let bytes = ipAddressBytes(host) {
                guard bytes.contains(where: { $0 != 0 }) else { continue }  // 0.0.0.0 and :: are not names
                name = .ipAddress(ASN1OctetString(contentBytes: bytes[...]))
            } else {
                name = .dnsName(host.lowercased())
            }
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The 4 or 16 bytes of an IPv4 or IPv6 literal, or nil for a name.
    static func ipAddressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// Checks that the certificate and key files given with `--tls-cert`/`--tls-key` belong
    /// together, when both parse (formats swift-certificates does not read are left to the TLS
    /// libraries to judge).
    public static func checkKeyPair(certificatePEM: String, keyPEM: String, certificatePath: String, keyPath: String) throws(Error) {
        guard let certificate = try? Certificate(pemEncoded: certificatePEM), let key = try? Certificate.PrivateKey(pemEncoded: keyPEM)
        else { return }
        if key.publicKey != certificate.publicKey {
            throw .invalid(path: keyPath, reason: "is not the key of the certificate in \(certificatePath)")
        }
    }

    // MARK: Helpers

    private init(directory: String, certificate: Certificate, certificatePEM: String, privateKey: Certificate.PrivateKey) {
        self.directory = directory
        self.certificate = certificate
        self.certificatePEM = certificatePEM
        self.privateKey = privateKey
    }

    static func path(_ directory: String, _ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }

    static func absolutePath(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
        let cwd = FileManager.default.currentDirectoryPath
        return ((cwd as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
    }

    private static func createDirectory(_ directory: String) throws(Error) {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .directory(path: directory, reason: "\(error.localizedDescription)")
        }
    }

    /// Runs `body` holding an exclusive `flock` on the folder's lock file.
    private static func withLock<T>(_ directory: String, _ body: () throws(Error) -> T) throws(Error) -> T {
        let lockPath = path(directory, lockFileName)
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .directory(path: directory, reason: "cannot open \(lockFileName): \(errnoText())") }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw .directory(path: directory, reason: "cannot lock \(lockFileName): \(errnoText())") }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// The file's text, or nil when it does not exist.
    private static func readIfPresent(_ path: String) throws(Error) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: "\(error.localizedDescription)")
        }
    }

    /// Writes `text` to a new temporary file with `mode` in the same folder, syncs it, then renames
    /// it over `path`: readers see the old file or the whole new one, and a key is never readable
    /// by others, not even briefly.
    static func writeAtomically(_ text: String, to path: String, mode: mode_t) throws(Error) {
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: .min ... .max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw .unwritable(path: path, reason: errnoText()) }
        var failure: String?
        if fchmod(descriptor, mode) != 0 { failure = errnoText() }  // the umask may have narrowed the mode
        var bytes = Array(text.utf8)
        var written = 0
        while failure == nil, written < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if count < 0 {
                if errno != EINTR { failure = errnoText() }
            } else {
                written += count
            }
        }
        bytes.removeAll()
        if failure == nil, fsync(descriptor) != 0 { failure = errnoText() }
        close(descriptor)
        if failure == nil, rename(temporary, path) != 0 { failure = errnoText() }
        if let failure {
            unlink(temporary)
            throw .unwritable(path: path, reason: failure)
        }
    }

    private static func parseCertificate(_ text: String, path: String) throws(Error) -> Certificate {
        do {
            return try Certificate(pemEncoded: text)
        } catch {
            throw .invalid(path: path, reason: "not a PEM certificate (\(error))")
        }
    }

    private static func parseKey(_ text: String, path: String) throws(Error) -> Certificate.PrivateKey {
        do {
            return try Certificate.PrivateKey(pemEncoded: text)
        } catch {
            throw .invalid(path: path, reason: "not a PEM private key (\(error))")
        }
    }

    private static func basicConstraints(of certificate: Certificate, path: String) throws(Error) -> BasicConstraints? {
        do {
            return try certificate.extensions.basicConstraints
        } catch {
            throw .invalid(path: path, reason: "unreadable basicConstraints (\(error))")
        }
    }

    private static func keyUsage(of certificate: Certificate, path: String) throws(Error) -> KeyUsage? {
        do {
            return try certificate.extensions.keyUsage
        } catch {
            throw .invalid(path: path, reason: "unreadable keyUsage (\(error))")
        }
    }

    private static func pem(_ certificate: Certificate) throws(Error) -> String {
        do {
            return try certificate.serializeAsPEM().pemString + "\n"
        } catch {
            throw .generation(reason: "cannot encode the certificate (\(error))")
        }
    }

    private static func pem(_ key: Certificate.PrivateKey) throws(Error) -> String {
        do {
            return try key.serializeAsPEM().pemString + "\n"
        } catch {
            throw .generation(reason: "cannot encode the key (\(error))")
        }
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
