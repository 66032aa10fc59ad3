import AXPSimChat
import AXPSimTLS
import AXPSimAuth
import AXPSimCore
import AXPSimFixtures
import AXPSimHTTP
import AXPSimStore
import AXPSimWebSocket
import Foundation
import Logging
import Synchronization

/// One running emulator: the store, keys and clocks, and the HTTP and WebSocket servers that
/// expose them. Create it, ``start()`` it, ``stop()`` it.
public final class Emulator: Sendable {
    /// Errors starting an emulator.
    public enum StartupError: Error, CustomStringConvertible {
        case fixtures(DiagnosticsError)
        case tlsFile(String)
        case bind(String)
        case configuration(String)

        public var description: String {
            switch self {
            case .configuration(let problem): "invalid configuration: \(problem)"
            case .fixtures(let error): "invalid fixtures:\n\(error)"
            case .tlsFile(let path): "cannot read TLS file \(path)"
            case .bind(let what): "cannot bind \(what)"
            }
        }
    }

    public let configuration: EmulatorConfiguration
    let logger: Logger
    let store: Store
    let keys: KeyRing
    let clocks: ClockService
    let tokens: TokenService
    let journal: RequestJournal
    /// Delivery of committed events to held polls and sockets (the chat's event sink).
    let hub: EventHub
    let faults = FaultInjector()
    let chat: ChatService
    /// Signs the URLs of attachments (its secret is kept in the database).
    let urlSigner: URLSigner
    /// Writes and checks the signed URLs of attachments.
    let attachmentLinks: AttachmentLinks
    let scheduler: Scheduler
    /// Prunes ended state past its retention.
    let retention: RetentionService
    let scenarios: ScenarioEngine
    let resets: StateResets
    /// Who may use the control plane and the console.
    let controlGuard: ControlGuard
    /// The chain every request goes through before its route's handler.
    let middleware: MiddlewareChain
    let errors: ErrorResponder
    let listeners = ListenerState()
    /// True between ``startPortless()`` and ``stop()``.
    let portless = Mutex(false)
    /// The HTTP base URL once bound (the `iss` of tokens).
    let baseURL = SharedText("http://axpsim.invalid")
    let routes = RouteRegistry()
    let recordings = Recordings()
    let startedAt = Date()

    /// Opens the store, loads fixtures and keys, and wires the services (each gets what it needs,
    /// once). Does not bind yet.
    public convenience init(configuration: EmulatorConfiguration, logger: Logger = Logger(label: "axpsim.server")) throws {
        try self.init(configuration: configuration, logger: logger, generateKey: SigningKey.generate)
    }

    /// ``init(configuration:logger:)`` with the function that makes a first signing key when the
    /// database has none (tests pass one they control).
    init(configuration: EmulatorConfiguration, logger: Logger, generateKey: @escaping @Sendable () throws -> SigningKey) throws {
        if let problem = configuration.problems.first { throw StartupError.configuration(problem) }
        self.configuration = configuration
        self.logger = logger
        controlGuard = ControlGuard(
            token: configuration.controlToken, configuredHosts: [configuration.host] + (configuration.publicHost.map { [$0] } ?? []), tls: configuration.tls)
        let fixtures: [ProvisionedAccount]
        do {
            fixtures = try configuration.fixturesPath.map { try FixtureLoader.load(directory: $0) } ?? []
        } catch let error as DiagnosticsError {
            throw StartupError.fixtures(error)
        }
        store = try Store(path: configuration.databasePath)
        try store.loadFixtures(fixtures, now: Date())
        keys = try Self.keyRing(store: store, initial: configuration.initialSigningKey, generate: generateKey)
        clocks = ClockService(store: store, defaultMode: configuration.defaultClockMode)
        tokens = TokenService(store: store, keys: keys, clocks: clocks, tokenTTLOverride: configuration.tokenTTLOverride)
        journal = RequestJournal(capacity: configuration.requestJournalSize)
        urlSigner = URLSigner(secret: try Self.urlSigningSecret(store: store))
        attachmentLinks = AttachmentLinks(
            signer: urlSigner, clocks: clocks, publicBase: PublicBase(publicHost: configuration.publicHost, bound: baseURL))
        hub = EventHub(
            store: store, faults: faults, links: attachmentLinks, maxPollsPerSession: configuration.maxPollsPerSession,
            maxSocketsPerSession: configuration.maxSocketsPerSession)
        let timerSignal = TimerSignal()
        chat = ChatService(
            store: store, clocks: clocks, sink: hub, observers: ChatObservers(), timerSignal: timerSignal,
            reminderLeadOverride: configuration.reminderLeadOverride, maxTextLength: configuration.maxMessageLength,
            maxAttachmentBytes: configuration.maxAttachmentBytes)
        let environment = ScenarioEngine.Environment(
            chat: chat, store: store, clocks: clocks, keys: keys, faults: faults, tokens: tokens, issuer: baseURL)
        scenarios = ScenarioEngine(env: environment, library: ScenarioLibrary(directory: configuration.scenariosPath, logger: logger))
        retention = RetentionService(store: store, clocks: clocks, scenarios: scenarios, retention: TimeInterval(configuration.retentionSeconds))
        scheduler = Scheduler(store: store, clocks: clocks, chat: chat, scenarios: scenarios, retention: retention, wake: timerSignal)
        resets = StateResets(
            store: store, clocks: clocks, keys: keys, urlSigner: urlSigner, journal: journal, hub: hub, scheduler: scheduler, scenarios: scenarios,
            fixtures: fixtures)
        // The stored scenario runs go on where they were (before the scheduler starts: a run whose
        // timer is due finds itself loaded when the timer fires).
        try scenarios.reload()
        errors = ErrorResponder(logger: logger)
        middleware = Self.middlewareChain(
            journal: journal, controlGuard: controlGuard, faults: faults, cors: CORSPolicy(origins: configuration.corsOrigins), errors: errors)
    }

    /// The ring of the persisted signing keys. When there is none and no `initial` key is given,
    /// the first key is generated (and stored) on a background thread: RSA-2048 generation takes
    /// ~80 ms, and nothing but minting and the JWKS needs it, so start-up does not wait for it.
    /// The key is in the ring before it is stored, so a mint inside a write transaction never
    /// waits for the writer it holds. (A process killed in the few milliseconds between the two
    /// loses the key: a token minted with it then fails verification after the restart.)
    static func keyRing(store: Store, initial: SigningKey?, generate: @escaping @Sendable () throws -> SigningKey) throws -> KeyRing {
        guard initial == nil, try store.signingKeys().isEmpty else {
            return try KeyRing(keys: storedKeys(store: store, initial: initial))
        }
        return KeyRing(
            generatingFirstKey: generate,
            store: { [store] key in
                try store.addActiveSigningKey(StoredSigningKey(kid: key.kid, privateKeyPEM: key.privateKeyPEM, createdAt: Date(), active: true))
            })
    }

    /// The persisted signing keys, oldest first and the active one last. When there is none,
    /// `initial` (or else a newly generated key) is stored and used.
    static func storedKeys(store: Store, initial: SigningKey? = nil) throws -> [SigningKey] {
        var stored = try store.signingKeys()
        if stored.isEmpty {
            let key = try initial ?? SigningKey.generate()
            try store.addActiveSigningKey(StoredSigningKey(kid: key.kid, privateKeyPEM: key.privateKeyPEM, createdAt: Date(), active: true))
            stored = try store.signingKeys()
        }
        let active = stored.filter(\.active) + stored.filter { !$0.active }
        let ordered = Array(active.dropFirst()) + Array(active.prefix(1))
        return try ordered.map { try SigningKey(kid: $0.kid, privateKeyPEM: $0.privateKeyPEM) }
    }

    /// The secret of signed URLs, from the database; generated (and stored) on first start, and
    /// kept as it is afterwards, so the URLs written before a restart keep working.
    static func urlSigningSecret(store: Store) throws -> Data {
        let text = try store.setting(urlSigningSecretSetting, orInsert: URLSigner.generateSecret().base64EncodedString())
        guard let secret = Data(base64Encoded: text), secret.count >= 16 else {
            throw StartupError.configuration("the stored \(urlSigningSecretSetting) setting is not a base64 secret of at least 16 bytes")
        }
        return secret
    }

    /// The `setting` row holding the secret of signed URLs.
    static let urlSigningSecretSetting = "url_signing_secret"

    /// The HTTP base URL (after ``start()``).
    public var httpURL: String { listeners.current.withLock { $0?.httpURL ?? "" } }
    /// The WebSocket base URL (after ``start()``).
    public var wsURL: String { listeners.current.withLock { $0?.wsURL ?? "" } }

    /// Binds both ports, then writes the ready file.
    public func start() throws {
        routes.install(makeRoutes())
        let tls = try tlsMaterial()
        let http = HTTPServer(
            configuration: httpConfiguration(tls),
            logger: Logger(label: "axpsim.http"),
            oversizeResponse: { limit in JSONResponses.problem(.payloadTooLarge(limit: limit)) },
            handler: { [weak self] request in
                self?.handle(request) ?? .respond(.empty(503))
            })
        let webSocket = WebSocketServer(
            configuration: WebSocketServer.Configuration(
                host: configuration.host, port: Int(configuration.wsPort), subprotocols: EventSocketController.webSocketSubprotocols,
                maxQueuedFrames: configuration.wsQueueFrames, tlsCertificatePath: tls?.certificatePath, tlsKeyPath: tls?.keyPath),
            logger: Logger(label: "axpsim.websocket"),
            handlers: eventSockets.handlers)
        do {
            try http.start()
        } catch {
            throw StartupError.bind("HTTP port \(configuration.host):\(configuration.httpPort)")
        }
        do {
            try webSocket.start()
        } catch {
            http.stop(grace: 0)
            throw StartupError.bind("WebSocket port \(configuration.host):\(configuration.wsPort)")
        }
        let host = configuration.host == "0.0.0.0" ? "127.0.0.1" : (configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host)
        let scheme = tls == nil ? ("http", "ws") : ("https", "wss")
        let urls = Listeners(
            http: http, webSocket: webSocket, httpURL: "\(scheme.0)://\(host):\(http.port)", wsURL: "\(scheme.1)://\(host):\(webSocket.port)")
        listeners.current.withLock { $0 = urls }
        baseURL.value.withLock { $0 = urls.httpURL }
        scheduler.start()
        logger.info("axpsim \(AXPSimVersion.current) ready", metadata: ["http": "\(urls.httpURL)", "ws": "\(urls.wsURL)"])
        if let readyFile = configuration.readyFile { try writeReadyFile(readyFile, urls: urls) }
        // Ready: a first signing key (new database) is made now, not during start-up.
        keys.beginFirstKey()
    }

    /// The HTTP server's settings: the upload routes alone take bodies as large as an attachment.
    private func httpConfiguration(_ tls: TLSMaterial?) -> HTTPServer.Configuration {
        var http = HTTPServer.Configuration(
            host: configuration.host, port: configuration.httpPort, maxBodySize: configuration.maxBodySize, threadCount: configuration.httpThreads,
            tlsKeyPEM: tls?.keyPEM, tlsCertificatePEM: tls?.certificatePEM)
        http.connectionMemoryLimit = configuration.maxHeaderSize
        let uploadLimit = max(configuration.maxBodySize, configuration.maxAttachmentBytes + AttachmentController.multipartOverhead)
        for (method, pattern) in AttachmentController.uploadRoutes { http.bodyLimits.add(method, pattern, uploadLimit) }
        return http
    }

    /// Starts everything but the two listeners: the routes and the real-clock scheduler. Requests
    /// then go through ``dispatch(_:)`` only (in-process tests, `AXPSimTesting`).
    public func startPortless() {
        let already = portless.withLock { running -> Bool in
            defer { running = true }
            return running
        }
        guard !already, listeners.current.withLock({ $0 }) == nil else { return }
        routes.install(makeRoutes())
        scheduler.start()
        keys.beginFirstKey()
    }

    /// Graceful stop: no new connections, in-flight requests finish, sockets close with 1001,
    /// the database is checkpointed.
    public func stop() {
        let current = listeners.current.withLock { $0 }
        let wasPortless = portless.withLock { running -> Bool in
            defer { running = false }
            return running
        }
        guard current != nil || wasPortless else { return }
        scheduler.stop()
        do {
            // Nothing of the emulator runs after stop: a first key still being made is waited for.
            try keys.waitForStoredFirstKey()
        } catch {
            logger.error("the first signing key could not be made", metadata: ["error": "\(error)"])
        }
        current?.http.stop(grace: 5, heldResponse: .json(200, Data("[]".utf8)))
        current?.webSocket.stop(grace: 2)
        do {
            try store.checkpoint()
        } catch {
            // Nothing is lost (the WAL holds every commit); the next start replays it.
            logger.error("cannot checkpoint the database", metadata: ["error": "\(error)"])
        }
        listeners.current.withLock { $0 = nil }
        logger.info("axpsim stopped")
    }

    private func writeReadyFile(_ path: String, urls: Listeners) throws {
        let body: [String: Any] = ["httpUrl": urls.httpURL, "wsUrl": urls.wsURL, "pid": Int(ProcessInfo.processInfo.processIdentifier)]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
    }

    /// What both ports serve over TLS: PEM text for libmicrohttpd and the same as files for
    /// libwebsockets.
    struct TLSMaterial {
        let keyPEM: String
        let certificatePEM: String
        let keyPath: String
        let certificatePath: String
    }

    /// The certificate to serve: `--tls-cert`/`--tls-key` when given; else, with `--tls`, the
    /// server certificate of the local CA in ``EmulatorConfiguration/resolvedTLSDirectory``
    /// (generated on first start, reissued when expired or not covering the host); else nil,
    /// plain HTTP and WS.
    ///
    /// - Throws: ``StartupError/tlsFile(_:)`` for an unreadable file, and
    ///   ``LocalCertificateAuthority/Error`` for a broken CA folder or a key that is not the
    ///   certificate's.
    private func tlsMaterial() throws -> TLSMaterial? {
        if let certificatePath = configuration.tlsCertificatePath, let keyPath = configuration.tlsKeyPath {
            guard let certificate = try? String(contentsOfFile: certificatePath, encoding: .utf8) else { throw StartupError.tlsFile(certificatePath) }
            guard let key = try? String(contentsOfFile: keyPath, encoding: .utf8) else { throw StartupError.tlsFile(keyPath) }
            try LocalCertificateAuthority.checkKeyPair(certificatePEM: certificate, keyPEM: key, certificatePath: certificatePath, keyPath: keyPath)
            return TLSMaterial(keyPEM: key, certificatePEM: certificate, keyPath: keyPath, certificatePath: certificatePath)
        }
        guard configuration.tls else { return nil }
        let authority = try LocalCertificateAuthority.loadOrCreate(directory: configuration.resolvedTLSDirectory)
        let server = try authority.serverCredentials(for: [configuration.host] + (configuration.publicHost.map { [$0] } ?? []))
        logger.info(
            "TLS with the local CA", metadata: ["ca": "\(authority.certificatePath)", "certificate": "\(server.certificatePath)",
            "issued": "\(server.issued)"])
        return TLSMaterial(keyPEM: server.keyPEM, certificatePEM: server.certificatePEM, keyPath: server.keyPath, certificatePath: server.certificatePath)
    }
}
