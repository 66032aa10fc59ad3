import AXPSimCInterop
internal import CWebSockets
import Foundation
import Logging
import Synchronization

/// What the application does with connections. Called on the service thread: return quickly and
/// move slow work (database, crypto) to another queue.
public struct WebSocketHandlers: Sendable {
    /// A connection finished its handshake.
    public var onOpen: @Sendable (WebSocketConnection) -> Void
    /// A whole text message arrived.
    public var onText: @Sendable (WebSocketConnection, String) -> Void
    /// The connection closed (`code` is the peer's close code when it sent one).
    public var onClose: @Sendable (WebSocketConnection, UInt16?) -> Void

    public init(
        onOpen: @escaping @Sendable (WebSocketConnection) -> Void, onText: @escaping @Sendable (WebSocketConnection, String) -> Void,
        onClose: @escaping @Sendable (WebSocketConnection, UInt16?) -> Void
    ) {
        self.onOpen = onOpen
        self.onText = onText
        self.onClose = onClose
    }
}

/// A WebSocket server on libwebsockets: one service thread runs `lws_service`; other threads
/// never touch an `lws*`, they queue frames and call `lws_cancel_service`.
public final class WebSocketServer: Sendable {
    /// Settings of one server.
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port.
        public var port: Int
        /// Accepted subprotocols; the first is used when a client asks for none.
        public var subprotocols: [String]
        /// Largest accepted inbound message; larger ones close the connection with 1009.
        public var maxMessageSize: Int
        /// Outbound queue bound per connection (frames, bytes); over it the connection is closed.
        public var maxQueuedFrames: Int
        public var maxQueuedBytes: Int
        /// Seconds between server pings.
        public var pingInterval: TimeInterval
        /// Most payload bytes written to one connection per writeable callback: queued frames are
        /// written back to back until this much went out or the socket stops taking them.
        public var writeBudgetBytes: Int
        /// PEM files for wss://, or nil.
        public var tlsCertificatePath: String?
        public var tlsKeyPath: String?

        public init(
            host: String = "127.0.0.1", port: Int = 0, subprotocols: [String], maxMessageSize: Int = 1 << 20, maxQueuedFrames: Int = 4096,
            maxQueuedBytes: Int = 8 << 20, pingInterval: TimeInterval = 30, tlsCertificatePath: String? = nil, tlsKeyPath: String? = nil,
            writeBudgetBytes: Int = 64 << 10
        ) {
            self.writeBudgetBytes = writeBudgetBytes
            self.host = host
            self.port = port
            self.subprotocols = subprotocols
            self.maxMessageSize = maxMessageSize
            self.maxQueuedFrames = maxQueuedFrames
            self.maxQueuedBytes = maxQueuedBytes
            self.pingInterval = pingInterval
            self.tlsCertificatePath = tlsCertificatePath
            self.tlsKeyPath = tlsKeyPath
        }
    }

    /// Errors starting the server.
    public enum StartError: Error, Equatable {
        case cannotBind(host: String, port: Int)
        case alreadyStarted
    }

    public let configuration: Configuration
    let handlers: WebSocketHandlers
    let logger: Logger

    /// An lws context pointer: only `lws_cancel_service` is called on it from other threads.
    typealias ContextHandle = UnsafeTransfer<OpaquePointer>

    struct State {
        var context: ContextHandle?
        var port = 0
        var running = false
        var stopping = false
        var nextId: UInt64 = 0
        var connections: [UInt64: WebSocketConnection] = [:]
        var dirty = PendingWakes()
        var lastServiceTick = Date()
    }

    let state = Mutex(State())
    /// `lws*` of each connection: read and written on the service thread only.
    let serviceThreadOnly = ServiceThreadBox()
    let stopped = DispatchSemaphore(value: 0)

    public init(configuration: Configuration, logger: Logger = Logger(label: "axpsim.websocket"), handlers: WebSocketHandlers) {
        self.configuration = configuration
        self.handlers = handlers
        self.logger = logger
    }

    /// The bound port (after ``start()``).
    public var port: Int { state.withLock { $0.port } }

    /// Open connections.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// True while the service thread runs.
    public var isRunning: Bool { state.withLock { $0.running && !$0.stopping } }

    /// The open connection with `id`.
    public func connection(_ id: UInt64) -> WebSocketConnection? {
        state.withLock { $0.connections[id] }
    }

    /// Every open connection.
    public var connections: [WebSocketConnection] {
        state.withLock { Array($0.connections.values) }
    }

    /// Binds and starts the service thread.
    public func start() throws(StartError) {
        let alreadyStarted = state.withLock { $0.running }
        if alreadyStarted { throw .alreadyStarted }
        axp_lws_set_log_level(0)
        let started = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            self.serviceLoop(started: started)
        }
        thread.name = "axpsim-lws"
        thread.start()
        started.wait()
        let running = state.withLock { $0.running }
        guard running else { throw .cannotBind(host: configuration.host, port: configuration.port) }
        startPingTimer()
    }

    /// Closes every connection with 1001 (going away), waits up to `grace` seconds for them, stops.
    public func stop(grace: TimeInterval = 2) {
        let open = state.withLock { state -> [WebSocketConnection]? in
            guard state.running, !state.stopping else { return nil }
            state.stopping = true
            return Array(state.connections.values)
        }
        guard let open else { return }
        for connection in open { connection.close(code: WebSocketConnection.goingAwayCloseCode, reason: "server shutting down") }
        let deadline = Date().addingTimeInterval(grace)
        while connectionCount > 0 && Date() < deadline { usleep(5_000) }
        state.withLock { state in
            state.running = false
            if let context = state.context { lws_cancel_service(context.value) }
        }
        stopped.wait()
    }

    // MARK: Service thread

    private func serviceLoop(started: DispatchSemaphore) {
        let names = configuration.subprotocols.map { strdup($0) }
        defer { names.forEach { free($0) } }
        var protocols: UnsafeMutablePointer<lws_protocols>?
        let user = Unmanaged.passUnretained(self).toOpaque()
        let constNames = names.map { UnsafePointer($0) }
        let context = constNames.withUnsafeBufferPointer { namesBuffer in
            configuration.host.withCString { host in
                withOptionalCString(configuration.tlsCertificatePath) { cert in
                    withOptionalCString(configuration.tlsKeyPath) { key in
                        axp_lws_create(
                            host, Int32(configuration.port), webSocketCallback, user, namesBuffer.baseAddress, Int32(names.count),
                            MemoryLayout<UInt64>.size, 4096, cert, key, &protocols)
                    }
                }
            }
        }
        guard let context else {
            started.signal()
            return
        }
        let port = Int(axp_lws_listen_port(context))
        let handle = ContextHandle(context)
        state.withLock {
            $0.context = handle
            $0.port = port
            $0.running = true
        }
        started.signal()
        while state.withLock({ $0.running }) {
            _ = lws_service(context, 0)
            state.withLock { $0.lastServiceTick = Date() }
        }
        // Forget the context under the lock first: `wake` calls `lws_cancel_service` only while
        // holding the lock and only on a context still recorded, so no thread can reach a context
        // being destroyed (callbacks that run during the destroy find it gone and just return).
        state.withLock { $0.context = nil }
        lws_context_destroy(context)
        free(protocols)
        stopped.signal()
    }

    private func startPingTimer() {
        guard configuration.pingInterval > 0 else { return }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        let interval = configuration.pingInterval
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            let open = self.state.withLock { state -> [WebSocketConnection]? in
                guard state.running else { return nil }
                return Array(state.connections.values)
            }
            guard let open else {
                timer.cancel()
                return
            }
            for connection in open {
                connection.queuePing()
                self.wake(connection.id)
            }
        }
        timer.resume()
    }

    /// Marks a connection as having work and wakes the service thread (any thread).
    /// `lws_cancel_service` runs under the lock, so the service thread cannot destroy the context
    /// between the read and the call. One wake serves a batch (``PendingWakes``).
    func wake(_ id: UInt64) {
        state.withLock { state in
            if state.dirty.add(id), let context = state.context { lws_cancel_service(context.value) }
        }
    }

    func register(path: String, subprotocol: String) -> WebSocketConnection? {
        let limits = (configuration.maxQueuedFrames, configuration.maxQueuedBytes)
        return state.withLock { state -> WebSocketConnection? in
            guard state.running, !state.stopping else { return nil }
            state.nextId += 1
            let connection = WebSocketConnection(
                id: state.nextId, path: path, subprotocol: subprotocol, limits: limits, wake: { [weak self] id in self?.wake(id) })
            state.connections[connection.id] = connection
            return connection
        }
    }

    func unregister(_ id: UInt64) -> WebSocketConnection? {
        state.withLock { state in
            state.dirty.remove(id)
            return state.connections.removeValue(forKey: id)
        }
    }

    func takeDirty() -> Set<UInt64> {
        state.withLock { $0.dirty.take() }
    }

    /// Seconds since the service loop last turned (for health).
    public var secondsSinceServiceTick: TimeInterval {
        Date().timeIntervalSince(state.withLock { $0.lastServiceTick })
    }
}

/// State touched only on the service thread, boxed so the server can be `Sendable`.
final class ServiceThreadBox: @unchecked Sendable {
    var wsis: [UInt64: OpaquePointer] = [:]
    /// The open connections, for the callbacks (no lock shared with the threads that queue frames).
    var connections: [UInt64: WebSocketConnection] = [:]
    /// The buffer frames are written from (`LWS_PRE` headroom, then the payload), reused.
    var scratch: [UInt8] = []
}
