import AXPSimChat
import Synchronization
import AXPSimCore
import AXPSimHTTP
import AXPSimStore
import AXPSimWebSocket
import Foundation
import Logging

/// WebSocket endpoints (SPEC section 4): the session event stream, and `/__sim/echo` (a liveness
/// and round-trip check). Each socket's state lives in the ``EventHub`` (the one registry of
/// delivery; the WebSocket server keeps only its connections).
struct EventSocketController: Sendable {
    let hub: EventHub
    let chat: ChatService
    let store: Store
    let authentication: SDKAuthentication
    let logger: Logger

    /// Subprotocols accepted on the WebSocket port; the first is used when a client asks for none.
    static let webSocketSubprotocols = ["axpsim.events.v1", "axpsim.echo"]
    /// Seconds a new event socket has to send its auth frame.
    static let socketAuthDeadline: TimeInterval = 10

    var handlers: WebSocketHandlers {
        WebSocketHandlers(
            onOpen: { connection in socketOpened(connection) },
            onText: { connection, text in socketText(connection, text) },
            onClose: { connection, _ in hub.socketClosed(connection.id) })
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
        hub.socketOpened(connection.id, integrationId: parts[5], sessionId: parts[7])
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.socketAuthDeadline) { [hub] in
            if hub.isAwaitingAuth(connection.id) { connection.close(code: SocketClose.unauthorized, reason: "no auth frame within 10 s") }
        }
    }

    private func socketText(_ connection: WebSocketConnection, _ text: String) {
        if connection.path == "/__sim/echo" {
            connection.send(text)
            return
        }
        switch hub.beginAuthentication(connection.id) {
        case .awaitingAuth(let integrationId, let sessionId)?:
            // Crypto and database work stay off the service thread.
            DispatchQueue.global().async { authenticateSocket(connection, text, integrationId: integrationId, sessionId: sessionId) }
        case .subscribed?:
            // Only pings are expected after auth; anything else, readable or not, is an unknown frame.
            if case .success(.ping) = Result(catching: { () throws(SocketClientFrame.ReadError) in try SocketClientFrame.parse(text) }) {
                connection.send(data: Self.pong)
            } else {
                connection.send(data: Self.socketError("unknown_frame", "After auth the server accepts only {\"type\":\"ping\"}").jsonData)
            }
        case .authenticating?, nil:
            break
        }
    }

    static let pong = JSONValue.object(["type": .string("pong")]).jsonData

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
            let caller = try authentication.authenticate(request)
            let session = try store.chatRead { tx in try chat.requireSession(tx, caller, sessionId, allowClosed: true) }
            guard session.state == .active else { return refuse(SocketClose.sessionClosed, "session_closed", "The session is closed") }
            let after = min(requested ?? 0, session.lastEventSeq)
            let ready = JSONValue.object([
                "type": .string("ready"), "sessionId": .string(sessionId), "lastEventId": .string(String(after)),
                "latestEventId": .string(String(session.lastEventSeq)),
            ])
            // A socket that closed while this ran has already left the hub: it must not come back.
            guard hub.markSubscribed(connection.id, sessionId: sessionId) else { return }
            let subscribed = hub.subscribe(
                EventSubscriber(
                    sessionId: sessionId, accountId: caller.accountId, tokenJti: caller.jti, connection: connection, after: after,
                    ready: ready.jsonData))
            guard subscribed else {
                hub.socketClosed(connection.id)
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
