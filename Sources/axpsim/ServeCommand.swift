import AXPSimTLS
import AXPSimCore
import ArgumentParser
import AXPSimServer
import Foundation
import Logging

/// `axpsim serve`: run the emulator until SIGINT/SIGTERM.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the emulator (HTTP and WebSocket).")

    @Option(name: .long, help: "Address to bind both ports to.") var host: String?
    @Option(name: .customLong("http-port"), help: "HTTP port (0 = any free port).") var httpPort: UInt16?
    @Option(name: .customLong("ws-port"), help: "WebSocket port (0 = any free port).") var wsPort: UInt16?
    @Flag(name: .long, help: "Serve HTTPS/WSS with the local CA's certificate (see `axpsim cert`).") var tls = false
    @Option(name: .customLong("tls-cert"), help: "PEM certificate (chain) for HTTPS/WSS.") var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key for HTTPS/WSS.") var tlsKey: String?
    @Option(
        name: .customLong("tls-dir"),
        help: "Folder of the local CA and server certificate (default: tls/ beside --db, .axpsim/tls for :memory:; env AXPSIM_TLS_DIR).")
    var tlsDir: String?
    @Option(name: .customLong("cors-origins"), help: "Comma-separated allowed origins, or '*'.") var corsOrigins: String?
    @OptionGroup var database: DatabaseOption
    @OptionGroup var fixtures: FixturesOption
    @Option(name: .long, help: "Folder of scenario YAML files (default: ./scenarios, else the bundled scenarios).") var scenarios: String?
    @Option(name: .customLong("token-ttl"), help: "Lifetime in seconds of chat JWTs requested without ttl (default: the integration's).")
    var tokenTTL: Int?
    @Option(name: .customLong("reminder-lead"), help: "Seconds before expiry of TOKEN_EXPIRY_REMINDER (default: the integration's).")
    var reminderLead: Int?
    @Option(name: .customLong("access-token-ttl"), help: "Lifetime in seconds of OAuth access tokens.") var accessTokenTTL: Int?
    @Option(name: .long, help: "Clock of accounts that never set one: real or virtual.") var clock: ClockMode?
    @Option(name: .customLong("control-token"), help: "Require this bearer token on /__sim calls (and allow non-loopback callers).")
    var controlToken: String?
    @Option(name: .customLong("ready-file"), help: "Write {httpUrl, wsUrl, pid} here once ready.") var readyFile: String?
    @Option(name: .customLong("max-body-size"), help: "Largest accepted request body in bytes.") var maxBodySize: Int?
    @Option(
        name: .customLong("max-attachment-size"),
        help: "Largest attachment in bytes (default 52428800, 50 MiB; env AXPSIM_MAX_ATTACHMENT_SIZE); only the upload routes take bodies this large.")
    var maxAttachmentSize: Int?
    @Option(name: .customLong("http-threads"), help: "HTTP worker threads.") var httpThreads: Int?
    @Option(
        name: .customLong("max-header-size"),
        help: "Bytes a request's line and headers may take (default 12288; larger is answered 431); each held long poll keeps this much memory.")
    var maxHeaderSize: Int?
    @Option(name: .customLong("long-poll-hold"), help: "Seconds a long poll with nothing to send is held (default 25).")
    var longPollHold: Int?
    @Option(name: .customLong("ws-queue-frames"), help: "Frames queued per event socket before it is closed as slow (4408).")
    var wsQueueFrames: Int?
    @Option(name: .customLong("max-polls-per-session"), help: "Long polls one session may hold at once; more answer 429 (default 16).")
    var maxPollsPerSession: Int?
    @Option(name: .customLong("max-sockets-per-session"), help: "Event sockets one session may have; more close with 4429 (default 16).")
    var maxSocketsPerSession: Int?
    @Option(
        name: .long,
        help: "Seconds (account clock) closed sessions with their events, ended chats and expired tokens are kept (default 86400).")
    var retention: Int?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.") var logLevel: Logger.Level?
    @Option(
        name: .customLong("public-host"),
        help: "The https host name clients use (e.g. axp.test): the certificate covers it, written URLs use it (Omni SDK).")
    var publicHost: String?

    @Flag(name: .customLong("print-config"), help: "Print every setting's effective value and where it came from (default, AXPSIM_* variable or flag), then exit.")
    var printConfig = false

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
    }

    /// The flags given on the command line, as text (`nil` flags were not given).
    private var givenFlags: [(String, String?)] {
        [
            ("host", host), ("http-port", httpPort.map(String.init)), ("ws-port", wsPort.map(String.init)), ("tls", tls ? "true" : nil),
            ("tls-cert", tlsCert), ("tls-key", tlsKey), ("tls-dir", tlsDir), ("public-host", publicHost), ("cors-origins", corsOrigins),
            ("db", database.db), ("fixtures", fixtures.fixtures), ("scenarios", scenarios), ("token-ttl", tokenTTL.map(String.init)),
            ("reminder-lead", reminderLead.map(String.init)), ("access-token-ttl", accessTokenTTL.map(String.init)),
            ("clock", clock?.rawValue), ("control-token", controlToken), ("ready-file", readyFile),
            ("max-body-size", maxBodySize.map(String.init)), ("max-attachment-size", maxAttachmentSize.map(String.init)),
            ("http-threads", httpThreads.map(String.init)), ("max-header-size", maxHeaderSize.map(String.init)), ("long-poll-hold", longPollHold.map(String.init)),
            ("ws-queue-frames", wsQueueFrames.map(String.init)), ("max-polls-per-session", maxPollsPerSession.map(String.init)),
            ("max-sockets-per-session", maxSocketsPerSession.map(String.init)), ("retention", retention.map(String.init)),
            ("log-level", logLevel?.rawValue),
        ]
    }

    func run() throws {
        let (configuration, sources, unknown) = try makeConfiguration()
        if printConfig {
            print(configuration.printedSettings(sources: sources))
            for name in unknown { print("unknown environment variable \(name) (no setting of axpsim serve has this name)") }
            if let problem = configuration.problems.first { throw ValidationError(problem) }
            return
        }
        if let problem = configuration.problems.first { throw ValidationError(problem) }
        bootstrapLogging(level: configuration.logLevel)
        let logger = Logger(label: "axpsim")
        for name in unknown {
            logger.warning("unknown environment variable \(name): no setting of axpsim serve has this name (see axpsim serve --print-config)")
        }
        logger.info("configuration: \(configuration)")
        // Catch SIGINT/SIGTERM before the ready file exists: a supervisor may signal at once.
        let termination = TerminationSignal()
        let emulator: Emulator
        do {
            emulator = try Emulator(configuration: configuration)
            try emulator.start()
        } catch let error as Emulator.StartupError {
            logger.critical("\(error)")
            throw ExitCode(2)
        } catch let error as LocalCertificateAuthority.Error {
            logger.critical("\(error)")
            throw ExitCode(2)
        }
        termination.wait()
        logger.info("stopping")
        emulator.stop()
    }

    /// Defaults, then `AXPSIM_*` variables, then flags (flags win); with each setting's source and
    /// the unknown `AXPSIM_*` variables.
    func makeConfiguration() throws -> (EmulatorConfiguration, [String: ConfigurationSource], [String]) {
        var configuration = EmulatorConfiguration()
        var sources: [String: ConfigurationSource] = [:]
        let unknown: [String]
        do {
            let environment = try configuration.apply(environment: ProcessInfo.processInfo.environment)
            for option in environment.applied { sources[option] = .environment }
            unknown = environment.unknown
            for case let (option, value?) in givenFlags {
                try configuration.apply(option: option, value: value)
                sources[option] = .flag
            }
        } catch {
            throw ValidationError(error.description)
        }
        if configuration.fixturesPath == nil { configuration.fixturesPath = BundledPaths.defaultFixtures() }
        if configuration.scenariosPath == nil { configuration.scenariosPath = BundledPaths.defaultScenarios() }
        if configuration.tlsCertificatePath != nil, configuration.tlsKeyPath != nil { configuration.tls = true }
        return (configuration, sources, unknown)
    }
}

/// SIGINT and SIGTERM, caught from creation on: none is lost, whenever it arrives. The two
/// signals are blocked in the creating thread — and so in every thread started afterwards (create
/// this before any other thread) — and a thread of its own takes them with `sigwait`, so a signal
/// that arrives before anyone waits stays pending instead of being dropped. (A libdispatch signal
/// source is armed asynchronously: under load a SIGTERM right after start-up could fall between
/// `SIG_IGN` and the source, and the server would ignore it.)
final class TerminationSignal: Sendable {
    private let done = DispatchSemaphore(value: 0)

    init() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let blocked = signals
        let thread = Thread { [done] in
            var waiting = blocked
            var received: Int32 = 0
            sigwait(&waiting, &received)
            done.signal()
        }
        thread.name = "axpsim-signals"
        thread.start()
    }

    /// Blocks until one of the signals arrives.
    func wait() {
        done.wait()
    }
}

/// Sends swift-log output to standard error at `level`.
func bootstrapLogging(level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}
