internal import CWebSockets
import Foundation
import Synchronization

/// The libwebsockets protocol callback, run on the service thread only. It reaches the server
/// through the context's user pointer and keeps each connection's id in its per-session data.
func webSocketCallback(
    wsi: OpaquePointer?, reason: lws_callback_reasons, user: UnsafeMutableRawPointer?, input: UnsafeMutableRawPointer?, length: Int
) -> Int32 {
    guard let wsi, let contextPointer = lws_get_context(wsi), let serverPointer = lws_context_user(contextPointer) else { return 0 }
    let server = Unmanaged<WebSocketServer>.fromOpaque(serverPointer).takeUnretainedValue()

    switch reason {
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        for id in server.takeDirty() {
            if let target = server.serviceThreadOnly.wsis[id] { _ = lws_callback_on_writable(target) }
        }
        return 0

    case LWS_CALLBACK_ESTABLISHED:
        guard let user else { return -1 }
        let path = uriPath(wsi)
        let subprotocol = lws_get_protocol(wsi).flatMap { $0.pointee.name.map { String(cString: $0) } } ?? ""
        guard let connection = server.register(path: path, subprotocol: subprotocol) else { return -1 }
        user.storeBytes(of: connection.id, as: UInt64.self)
        server.serviceThreadOnly.wsis[connection.id] = wsi
        server.serviceThreadOnly.connections[connection.id] = connection
        server.handlers.onOpen(connection)
        return 0

    case LWS_CALLBACK_RECEIVE:
        guard let connection = connection(server, user) else { return -1 }
        let tooLarge = connection.outbound.withLock { state -> Bool in
            if let input, length > 0 { state.inbound.append(input.assumingMemoryBound(to: UInt8.self), count: length) }
            return state.inbound.count > server.configuration.maxMessageSize
        }
        if tooLarge {
            var reason = Array("message too big".utf8)
            lws_close_reason(wsi, lws_close_status(rawValue: 1009), &reason, reason.count)
            return -1
        }
        guard lws_is_final_fragment(wsi) != 0, lws_remaining_packet_payload(wsi) == 0 else { return 0 }
        let message = connection.outbound.withLock { state -> Data in
            defer { state.inbound = Data() }
            return state.inbound
        }
        server.handlers.onText(connection, String(decoding: message, as: UTF8.self))
        return 0

    case LWS_CALLBACK_SERVER_WRITEABLE:
        guard let connection = connection(server, user) else { return -1 }
        switch connection.nextAction() {
        case .idle:
            return 0
        case .abort:
            // Shut the socket down under lws: no close frame can go out, and lws reaps the
            // connection when it sees the hang-up, as after a network failure.
            let fd = lws_get_socket_fd(wsi)
            if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
            return 0
        case .close(let code, let text):
            var reason = Array(text.utf8)
            lws_close_reason(wsi, lws_close_status(rawValue: UInt32(code)), &reason, reason.count)
            return -1
        case .write(let frame, let more):
            guard var sent = write(server, wsi, frame) else { return -1 }
            guard more else { return 0 }
            // A batch per wake: the frames queued since, back to back, while the kernel takes them
            // whole (lws keeps at most the tail of one) and the budget lasts. A close or an abort
            // waits for the next callback, after what lws buffered has gone out.
            while sent < server.configuration.writeBudgetBytes, lws_partial_buffered(wsi) == 0, let next = connection.takeFrame() {
                guard let bytes = write(server, wsi, next) else { return -1 }
                sent += bytes
            }
            if connection.hasPendingWork { _ = lws_callback_on_writable(wsi) }
            return 0
        }

    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        if let connection = connection(server, user), let input, length >= 2 {
            let bytes = input.assumingMemoryBound(to: UInt8.self)
            let code = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
            connection.outbound.withLock { $0.peerCloseCode = code }
        }
        return 0

    case LWS_CALLBACK_CLOSED:
        guard let user else { return 0 }
        let id = user.load(as: UInt64.self)
        server.serviceThreadOnly.wsis[id] = nil
        server.serviceThreadOnly.connections[id] = nil
        if let connection = server.unregister(id) {
            let code = connection.outbound.withLock { $0.peerCloseCode }
            connection.markClosed()
            server.handlers.onClose(connection, code)
        }
        return 0

    default:
        return 0
    }
}

private func connection(_ server: WebSocketServer, _ user: UnsafeMutableRawPointer?) -> WebSocketConnection? {
    guard let user else { return nil }
    return server.serviceThreadOnly.connections[user.load(as: UInt64.self)]
}

private func uriPath(_ wsi: OpaquePointer) -> String {
    var buffer = [CChar](repeating: 0, count: 1024)
    let count = buffer.withUnsafeMutableBufferPointer { lws_hdr_copy(wsi, $0.baseAddress, Int32($0.count), WSI_TOKEN_GET_URI) }
    guard count > 0 else { return "/" }
    return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Writes one frame from the service thread's reusable buffer; its payload size, or nil when lws
/// failed (the connection is then closed).
private func write(_ server: WebSocketServer, _ wsi: OpaquePointer, _ frame: WebSocketConnection.Frame) -> Int? {
    let payload: Data
    let kind: lws_write_protocol
    switch frame {
    case .text(let data): (payload, kind) = (data, LWS_WRITE_TEXT)
    case .ping: (payload, kind) = (Data(), LWS_WRITE_PING)
    }
    let pre = axp_lws_pre()
    let box = server.serviceThreadOnly
    if box.scratch.count < pre + payload.count { box.scratch = [UInt8](repeating: 0, count: max(pre + payload.count, 2 * box.scratch.count)) }
    let written = box.scratch.withUnsafeMutableBufferPointer { buffer -> Int32 in
        guard let base = buffer.baseAddress else { return -1 }
        payload.copyBytes(to: base + pre, count: payload.count)
        return lws_write(wsi, base + pre, payload.count, kind)
    }
    return written >= payload.count ? payload.count : nil
}
