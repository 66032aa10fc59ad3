import Foundation
import Synchronization

/// One WebSocket connection. Any thread may ``send(_:)`` or ``close(code:reason:)``: frames go to
/// a bounded outbound queue that the service thread drains, as many frames per writeable callback
/// as the socket takes (up to the server's write budget).
public final class WebSocketConnection: Sendable {
    /// Unique within the server's lifetime.
    public let id: UInt64
    /// The request path of the upgrade (`/sdk/…/events`).
    public let path: String
    /// The negotiated subprotocol.
    public let subprotocol: String

    enum Frame {
        case text(Data)
        case ping
    }

    struct Outbound {
        var frames: [Frame] = []
        var queuedBytes = 0
        var closeRequest: (code: UInt16, reason: String)?
        /// Drop the TCP connection without a close handshake.
        var abortRequested = false
        var closed = false
        var inbound = Data()
        var peerCloseCode: UInt16?
    }

    let outbound = Mutex(Outbound())
    let limits: (frames: Int, bytes: Int)
    let wake: @Sendable (UInt64) -> Void

    init(id: UInt64, path: String, subprotocol: String, limits: (frames: Int, bytes: Int), wake: @escaping @Sendable (UInt64) -> Void) {
        self.id = id
        self.path = path
        self.subprotocol = subprotocol
        self.limits = limits
        self.wake = wake
    }

    /// The close code a slow consumer is closed with; it may reconnect and resume.
    public static let slowConsumerCloseCode: UInt16 = 4408
    /// The close code of a server that is stopping (RFC 6455 "going away").
    public static let goingAwayCloseCode: UInt16 = 1001

    /// Queues a text frame. Returns false when the connection is closing, or when the queue is
    /// over its bound (then the connection is closed with ``slowConsumerCloseCode``).
    @discardableResult
    public func send(_ text: String) -> Bool {
        send(data: Data(text.utf8))
    }

    /// Queues a UTF-8 text frame given as bytes.
    @discardableResult
    public func send(data: Data) -> Bool {
        let accepted = outbound.withLock { state -> Bool in
            guard !state.closed, state.closeRequest == nil, !state.abortRequested else { return false }
            if state.frames.count >= limits.frames || state.queuedBytes + data.count > limits.bytes {
                // What is queued (already bounded) still goes out, then the close: the client sees
                // a contiguous run of events and resumes after the last one.
                state.closeRequest = (Self.slowConsumerCloseCode, "slow consumer: resume with lastEventId")
                return false
            }
            state.frames.append(.text(data))
            state.queuedBytes += data.count
            return true
        }
        wake(id)
        return accepted
    }

    /// Closes the connection with `code` (after frames already queued are sent).
    public func close(code: UInt16, reason: String) {
        outbound.withLock { state in
            if !state.closed, state.closeRequest == nil { state.closeRequest = (code, String(reason.utf8.prefix(120)) ?? "") }
        }
        wake(id)
    }

    /// Drops the connection abruptly, without a close frame (the peer sees 1006), as a network
    /// failure would.
    public func abort() {
        outbound.withLock { state in
            guard !state.closed else { return }
            state.abortRequested = true
            state.frames.removeAll()
            state.queuedBytes = 0
        }
        wake(id)
    }

    /// True once the connection has closed (or is closing).
    public var isClosed: Bool {
        outbound.withLock { $0.closed || $0.closeRequest != nil || $0.abortRequested }
    }

    /// Frames waiting to be written.
    public var queuedFrameCount: Int {
        outbound.withLock { $0.frames.count }
    }

    func queuePing() {
        outbound.withLock { state in
            if !state.closed { state.frames.append(.ping) }
        }
    }

    /// What the service thread should do next on a writeable callback.
    enum NextAction {
        case write(Frame, more: Bool)
        case close(code: UInt16, reason: String)
        case abort
        case idle
    }

    func nextAction() -> NextAction {
        outbound.withLock { state in
            if state.abortRequested {
                state.closed = true
                return .abort
            }
            if !state.frames.isEmpty {
                let frame = state.frames.removeFirst()
                if case .text(let data) = frame { state.queuedBytes -= data.count }
                return .write(frame, more: !state.frames.isEmpty || state.closeRequest != nil)
            }
            if let request = state.closeRequest {
                state.closed = true
                return .close(code: request.code, reason: request.reason)
            }
            return .idle
        }
    }

    /// The next queued frame, to write right after another in the same writeable callback; nil
    /// when none is queued or the connection is to be aborted (then ``hasPendingWork`` says so).
    func takeFrame() -> Frame? {
        outbound.withLock { state in
            guard !state.abortRequested, !state.closed, !state.frames.isEmpty else { return nil }
            let frame = state.frames.removeFirst()
            if case .text(let data) = frame { state.queuedBytes -= data.count }
            return frame
        }
    }

    /// True when a writeable callback has something to do: frames, a close or an abort.
    var hasPendingWork: Bool {
        outbound.withLock { state in
            !state.closed && (state.abortRequested || !state.frames.isEmpty || state.closeRequest != nil)
        }
    }

    func markClosed() {
        outbound.withLock {
            $0.closed = true
            $0.frames.removeAll()
            $0.queuedBytes = 0
        }
    }
}
