import AXPSimTLS
import ArgumentParser
import AXPSimServer
import Foundation

/// `axpsim cert`: print the local CA certificate that `axpsim serve --tls` uses, so a browser,
/// Node (`NODE_EXTRA_CA_CERTS`), curl (`--cacert`) or Python (`verify=`) can trust it. Generates
/// the CA on first use.
struct CertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "Print the local CA certificate (PEM) to trust for `axpsim serve --tls` (generated if missing).",
        discussion: """
            The CA lives in --tls-dir (default: tls/ beside --db, or .axpsim/tls for an in-memory database; \
            env AXPSIM_TLS_DIR), the same folder `axpsim serve --tls` uses with the same options. \
            Example: axpsim cert > axpsim-ca.pem, then import it as a trusted authority in the browser.
            """)

    @Option(name: .customLong("tls-dir"), help: "Folder of the local CA (env AXPSIM_TLS_DIR).") var tlsDir: String?
    @OptionGroup var database: DatabaseOption
    @Flag(name: .long, help: "Print the path of the CA file instead of its contents.") var path = false

    func run() throws {
        var configuration = EmulatorConfiguration()
        do {
            try configuration.apply(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
        if let db = database.db { configuration.databasePath = db }
        if let tlsDir { configuration.tlsDirectory = tlsDir }
        let directory = configuration.resolvedTLSDirectory
        let existed = FileManager.default.fileExists(
            atPath: (directory as NSString).appendingPathComponent(LocalCertificateAuthority.caCertificateFileName))
        let authority: LocalCertificateAuthority
        do {
            authority = try LocalCertificateAuthority.loadOrCreate(directory: directory)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        if !existed { printError("generated a new local CA in \(authority.directory)") }
        if path {
            print(authority.certificatePath)
        } else {
            print(authority.certificatePEM, terminator: authority.certificatePEM.hasSuffix("\n") ? "" : "\n")
        }
    }
}
