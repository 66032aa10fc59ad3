import AXPSimCInterop
internal import CMicroHTTPD
import Foundation
import Logging
import Synchronization

/// An HTTP(S) server on libmicrohttpd.
///
/// MHD runs its own thread pool (epoll). Each request is read whole (the body arrives over several
/// access-handler calls), then handed to the application synchronously on that thread. A handler
/// may instead return ``HTTPResult/suspend(_:)``: the connection is suspended without holding a
/// thread and resumed when the ``PendingResponse`` is fulfilled.
public final class HTTPServer: Sendable {
    /// Settings of one server.
    public struct Configuration: Sendable {
        /// IPv4 or IPv6 literal to bind.
        public var host: String
        /// Port to bind; 0 picks a free one.
        public var port: UInt16
        /// Largest accepted body; larger requests are answered by ``oversizeResponse``.
        public var maxBodySize: Int
        /// Routes allowed a body larger (or smaller) than ``maxBodySize`` (uploads): method and
        /// route pattern, as the ``Router`` matches them, to their limit. Looked up once per
        /// request on its canonical path (``bodyLimit(method:rawPath:)``).
        public var bodyLimits = Router<Int>()
        /// Number of MHD worker threads.
        public var threadCount: Int
        /// Idle connection timeout, seconds.
        public var connectionTimeout: Int
        /// libmicrohttpd's memory pool per connection, bytes: the request line and headers, the
        /// response headers and read buffers live in it (bodies are handed over in chunks, answers
        /// are separate buffers). Each open connection (a held long poll) keeps about this much
        /// resident: 64 KiB measured ~67 KiB per held poll (bench/all.sh). A request line and
        /// headers up to about the pool's size less ~64 bytes per header fit (12 KiB: ~11.4 KB in
        /// ten headers); a larger request is answered 431 by libmicrohttpd.
        public var connectionMemoryLimit: Int = 12 * 1024
        /// PEM private key and certificate for HTTPS; nil for plain HTTP.
        public var tlsKeyPEM: String?
        public var tlsCertificatePEM: String?

        public init(
            host: String = "127.0.0.1", port: UInt16 = 0, maxBodySize: Int = 1 << 20, threadCount: Int = 4, connectionTimeout: Int = 120,
            tlsKeyPEM: String? = nil, tlsCertificatePEM: String? = nil
        ) {
            self.host = host
            self.port = port
            self.maxBodySize = maxBodySize
            self.threadCount = threadCount
            self.connectionTimeout = connectionTimeout
            self.tlsKeyPEM = tlsKeyPEM
            self.tlsCertificatePEM = tlsCertificatePEM
        }

        /// The largest body accepted for `method` on `rawPath` (the path as sent): the limit of the
        /// route in ``bodyLimits`` that matches it, else ``maxBodySize`` (also for a path without
        /// a canonical form, which is refused anyway).
        public func bodyLimit(method: String, rawPath: String) -> Int {
            let path: String
            do {
                path = try CanonicalPath(raw: rawPath).path
            } catch {
                // Refused before routing (non_canonical_path): the default limit is enough.
                return maxBodySize
            }
            if case .found(let limit, _, _) = bodyLimits.match(method: method, path: path) { return limit }
            return maxBodySize
        }
    }

    /// The application: called once per request, on an MHD thread.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResult

    /// Errors starting the server.
    public enum StartError: Error, Equatable {
        case cannotBind(host: String, port: UInt16)
        case alreadyStarted
    }

    public let configuration: Configuration
    let handler: Handler
    /// Builds the answer to an oversize body (the application decides its shape).
    let oversizeResponse: @Sendable (Int) -> HTTPResponse
    let logger: Logger

    /// An MHD daemon pointer; only MHD calls that are documented thread-safe use it.
    typealias DaemonHandle = UnsafeTransfer<OpaquePointer>

    struct State {
        var daemon: DaemonHandle?
        var port: UInt16 = 0
        var stopping = false
        var inFlight = 0
        var held: [ObjectIdentifier: PendingResponse] = [:]
        /// What requests held during a stop are answered with.
        var heldResponseOnStop: HTTPResponse = .empty(503)
    }

    let state = Mutex(State())

    /// Creates a server; call ``start()`` to bind.
    public init(
        configuration: Configuration, logger: Logger = Logger(label: "axpsim.http"),
        oversizeResponse: @escaping @Sendable (Int) -> HTTPResponse = { .text(413, "Payload Too Large (limit \($0) bytes)") },
        handler: @escaping Handler
    ) {
        self.configuration = configuration
        self.handler = handler
        self.oversizeResponse = oversizeResponse
        self.logger = logger
    }

    /// The bound port (after ``start()``).
    public var port: UInt16 { state.withLock { $0.port } }

    /// Requests being processed or held right now.
    public var inFlightCount: Int { state.withLock { $0.inFlight } }

    /// True between ``start()`` and ``stop(grace:)``.
    public var isRunning: Bool { state.withLock { $0.daemon != nil && !$0.stopping } }

    /// Binds and starts serving.
    public func start() throws(StartError) {
        let alreadyStarted = state.withLock { $0.daemon != nil }
        if alreadyStarted { throw .alreadyStarted }
        axp_raise_file_limit()
        let flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
            | MHD_USE_ERROR_LOG.rawValue
        let context = Unmanaged.passUnretained(self).toOpaque()
        let daemon = configuration.host.withCString { host in
            withOptionalCString(configuration.tlsKeyPEM) { key in
                withOptionalCString(configuration.tlsCertificatePEM) { cert in
                    axp_mhd_start(
                        flags, host, configuration.port, UInt32(max(1, configuration.threadCount)), UInt32(configuration.connectionTimeout),
                        configuration.connectionMemoryLimit, httpAccessHandler, context, httpRequestCompleted, context, key, cert)
                }
            }
        }
        guard let daemon else { throw .cannotBind(host: configuration.host, port: configuration.port) }
        let port = axp_mhd_bound_port(daemon)
        let handle = DaemonHandle(daemon)
        state.withLock {
            $0.daemon = handle
            $0.port = port
        }
        logger.debug("HTTP server listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
    }

    /// Graceful stop: stops accepting, answers held requests with `heldResponse`, waits up to
    /// `grace` seconds for in-flight requests, then stops the daemon.
    public func stop(grace: TimeInterval = 5, heldResponse: HTTPResponse = .empty(503)) {
        let (handle, held) = state.withLock { state -> (DaemonHandle?, [PendingResponse]) in
            guard !state.stopping, let daemon = state.daemon else { return (nil, []) }
            state.stopping = true
            state.heldResponseOnStop = heldResponse
            return (daemon, Array(state.held.values))
        }
        guard let daemon = handle?.value else { return }
        let listenSocket = MHD_quiesce_daemon(daemon)
        for pending in held { pending.fulfill(heldResponse) }
        let deadline = Date().addingTimeInterval(grace)
        while inFlightCount > 0 && Date() < deadline {
            usleep(5_000)
        }
        MHD_stop_daemon(daemon)
        if listenSocket >= 0 { close(listenSocket) }
        state.withLock { $0.daemon = nil }
    }

    // MARK: Called from the C callbacks

    func beginRequest() -> Bool {
        state.withLock { state in
            guard !state.stopping else { return false }
            state.inFlight += 1
            return true
        }
    }

    func endRequest(_ context: RequestContext) {
        state.withLock { state in
            state.inFlight -= 1
            if let pending = context.pending { state.held[ObjectIdentifier(pending)] = nil }
        }
    }

    /// Registers a held request; during a stop it is answered at once with the stop's response.
    func hold(_ pending: PendingResponse) {
        let stopResponse = state.withLock { state -> HTTPResponse? in
            guard !state.stopping else { return state.heldResponseOnStop }
            state.held[ObjectIdentifier(pending)] = pending
            return nil
        }
        if let stopResponse { pending.fulfill(stopResponse) }
    }
}

/// Per-request state kept in MHD's `con_cls` while the request is read and answered.
final class RequestContext {
    var body = Data()
    /// Body bytes received so far.
    var received = 0
    /// The largest body this request may have (``HTTPServer/Configuration/bodyLimit(method:rawPath:)``).
    var limit: Int
    var tooLarge = false
    /// Reads a `multipart/form-data` body as it arrives (instead of keeping ``body``).
    var multipart: MultipartReader?
    var pending: PendingResponse?

    init(limit: Int) {
        self.limit = limit
    }
}
