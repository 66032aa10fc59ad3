import AXPSimChat
import Synchronization
import AXPSimCore
import AXPSimHTTP
import AXPSimStore
import AXPSimWebSocket
import Foundation
import Logging

/// The state of one event socket.
enum SocketState: Sendable {
    /// Connected; the auth frame must arrive before the deadline.
    case awaitingAuth(integrationId: String, sessionId: String)
    /// Authenticating (off the service thread).
    case authenticating
    /// Following the session's log.
    case subscribed(sessionId: String)
}

/// WebSocket endpoints (SPEC section 4): the session event stream, and `/__sim/echo` (a liveness
/// and round-trip check).
extension Emulator {
    /// Subprotocols accepted on the WebSocket port; the first is used when a client asks for none.
    static let webSocketSubprotocols = ["axpsim.events.v1", "axpsim.echo"]
    /// Seconds a new event socket has to send its auth frame.
    static let socketAuthDeadline: TimeInterval = 10

    func webSocketHandlers() -> WebSocketHandlers {
        WebSocketHandlers(
            onOpen: { [weak self] connection in self?.socketOpened(connection) },
            onText: { [weak self] connection, text in self?.socketText(connection, text) },
            onClose: { [weak self] connection, _ in self?.socketClosed(connection) })
    }

    private func socketOpened(_ connection: WebSocketConnection) {
        let path = String(connection.path.prefix { $0 != "?" })
        if path == "/__sim/echo" { return }
        let parts = path.split(separator: "/").map(String.init)
        let prefix = ["sdk", "digital", "chat", "v1", "integrations"]
        guard parts.count == 9, Array(parts[0..<5]) == prefix, parts[6] == "sessions", parts[8] == "events" else {
            connection.close(code: SocketClose.notFound, reason: "no WebSocket endpoint at \(path)")
            return
        }
        sockets.withLock { $0[connection.id] = .awaitingAuth(integrationId: parts[5], sessionId: parts[7]) }
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.socketAuthDeadline) { [weak self] in
            guard let self else { return }
            let waiting = self.sockets.withLock { state -> Bool in
                if case .awaitingAuth? = state[connection.id] { return true }
                return false
            }
            if waiting { connection.close(code: SocketClose.unauthorized, reason: "no auth frame within 10 s") }
        }
    }

    private func socketText(_ connection: WebSocketConnection, _ text: String) {
        if connection.path == "/__sim/echo" {
            connection.send(text)
            return
        }
        let state = sockets.withLock { sockets -> SocketState? in
            let current = sockets[connection.id]
            if case .awaitingAuth? = current { sockets[connection.id] = .authenticating }
            return current
        }
        switch state {
        case .awaitingAuth(let integrationId, let sessionId)?:
            // Crypto and database work stay off the service thread.
            DispatchQueue.global().async { [weak self] in
                self?.authenticateSocket(connection, text, integrationId: integrationId, sessionId: sessionId)
            }
        case .subscribed?:
            // Only pings are expected after auth; anything else, readable or not, is an unknown frame.
            if case .success(.ping) = Result(catching: { () throws(SocketClientFrame.ReadError) in try SocketClientFrame.parse(text) }) {
                connection.send(data: JSONValue.object(["type": .string("pong")]).jsonData)
            } else {
                connection.send(data: Self.socketError("unknown_frame", "After auth the server accepts only {\"type\":\"ping\"}").jsonData)
            }
        case .authenticating?, nil:
            break
        }
    }

    private func socketClosed(_ connection: WebSocketConnection) {
        let state = sockets.withLock { $0.removeValue(forKey: connection.id) }
        if case .subscribed(let sessionId)? = state { hub.unsubscribe(sessionId: sessionId, connectionId: connection.id) }
    }

    static func socketError(_ code: String, _ detail: String) -> JSONValue {
        .object(["type": .string("error"), "code": .string(code), "detail": .string(detail)])
    }

    /// Checks the auth frame, then sends `ready` and subscribes (which replays after `lastEventId`).
    private func authenticateSocket(_ connection: WebSocketConnection, _ text: String, integrationId: String, sessionId: String) {
        func refuse(_ code: UInt16, _ errorCode: String, _ detail: String) {
            connection.send(data: Self.socketError(errorCode, detail).jsonData)
            connection.close(code: code, reason: String(detail.prefix(100)))
        }
        let frame: SocketClientFrame
        do throws(SocketClientFrame.ReadError) {
            frame = try SocketClientFrame.parse(text)
        } catch {
            return refuse(SocketClose.badRequest, error.code, error.detail)
        }
        guard case .auth(let jwt, let appkey, let requested) = frame else {
            let error = SocketClientFrame.ReadError.badAuthFrame
            return refuse(SocketClose.badRequest, error.code, error.detail)
        }
        var headers = ["authorization": "Bearer \(jwt)"]
        if let appkey { headers["appkey"] = appkey }
        var request = HTTPRequest(method: "GET", path: connection.path, headers: headers)
        request.pathParameters = ["integrationId": integrationId]
        do {
            let caller = try authenticateSDK(request)
            let session = try store.chatRead { tx in try chat.requireSession(tx, caller, sessionId, allowClosed: true) }
            guard session.state == .active else { return refuse(SocketClose.sessionClosed, "session_closed", "The session is closed") }
            let after = min(requested ?? 0, session.lastEventSeq)
            let ready = JSONValue.object([
                "type": .string("ready"), "sessionId": .string(sessionId), "lastEventId": .string(String(after)),
                "latestEventId": .string(String(session.lastEventSeq)),
            ])
            // A socket that closed while this ran has already left `sockets`: it must not come back.
            let stillOpen = sockets.withLock { sockets -> Bool in
                guard case .authenticating? = sockets[connection.id] else { return false }
                sockets[connection.id] = .subscribed(sessionId: sessionId)
                return true
            }
            guard stillOpen else { return }
            let subscribed = hub.subscribe(
                EventSubscriber(
                    sessionId: sessionId, accountId: caller.accountId, tokenJti: caller.jti, connection: connection, after: after,
                    ready: ready.jsonData))
            guard subscribed else {
                sockets.withLock { _ = $0.removeValue(forKey: connection.id) }
                return refuse(
                    SocketClose.tooManySockets, AXPSimError.tooManyFollowers("").code,
                    "This session already has \(hub.maxSocketsPerSession) event sockets (--max-sockets-per-session)")
            }
            if connection.isClosed { hub.unsubscribe(sessionId: sessionId, connectionId: connection.id) }
        } catch let error as AXPSimError {
            switch error.status {
            case 401: refuse(SocketClose.unauthorized, error.code, error.detail)
            case 403: refuse(SocketClose.forbidden, error.code, error.detail)
            case 404: refuse(SocketClose.notFound, error.code, error.detail)
            default: refuse(SocketClose.badRequest, error.code, error.detail)
            }
        } catch {
            logger.error("cannot authenticate an event socket", metadata: ["error": "\(error)"])
            refuse(SocketClose.internalError, "internal_error", "The emulator could not read its state")
        }
    }
}
