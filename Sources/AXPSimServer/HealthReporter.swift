import AXPSimCore
import AXPSimHTTP
import AXPSimStore
import AXPSimWebSocket
import Foundation
import Synchronization

/// The two listeners once bound, and their URLs.
struct Listeners: Sendable {
    let http: HTTPServer
    let webSocket: WebSocketServer
    let httpURL: String
    let wsURL: String
}

/// The listeners of a running emulator (none before `start()` and after `stop()`).
final class ListenerState: Sendable {
    let current = Mutex<Listeners?>(nil)
}

/// `GET /__sim/health`: the HTTP and WebSocket servers, the store, and what is held for delivery.
struct HealthReporter: Sendable {
    let listeners: ListenerState
    let store: Store
    let hub: EventHub
    let startedAt: Date

    /// The JSON shape of ``response()``.
    static let schema = JSONSchema.ref(
        "Health",
        .record([
            "status": .string(oneOf: ["ok", "degraded"]), "version": .string(), "uptimeSeconds": .integer(),
            "parts": .record([
                "http": .record(["status": .string(oneOf: ["ok", "down"]), "url": .string()]),
                "websocket": .record(["status": .string(oneOf: ["ok", "down"]), "url": .string(), "connections": .integer()]),
                "store": .record(["status": .string(oneOf: ["ok", "down"]), "path": .string()]),
            ]),
            "delivery": .record([
                "heldPolls": .integer(), "heldJournalPolls": .integer(), "socketSubscribers": .integer(), "eventSockets": .integer(),
            ]),
        ]))

    /// 200 when every part is up, else 503.
    func response() -> HTTPResponse {
        let current = listeners.current.withLock { $0 }
        let httpOK = current?.http.isRunning ?? false
        let wsOK = current?.webSocket.isRunning ?? false
        let storeOK = store.isHealthy
        let held = hub.heldCounts
        func status(_ ok: Bool) -> JSONValue { .string(ok ? "ok" : "down") }
        let healthy = httpOK && wsOK && storeOK
        return JSONResponses.json(
            healthy ? 200 : 503,
            JSONValue.object([
                "status": .string(healthy ? "ok" : "degraded"), "version": .string(AXPSimVersion.current),
                "uptimeSeconds": .int(Int64(Date().timeIntervalSince(startedAt))),
                "parts": .object([
                    "http": .object(["status": status(httpOK), "url": .string(current?.httpURL ?? "")]),
                    "websocket": .object([
                        "status": status(wsOK), "url": .string(current?.wsURL ?? ""), "connections": .int(Int64(current?.webSocket.connectionCount ?? 0)),
                    ]),
                    "store": .object(["status": status(storeOK), "path": .string(store.path)]),
                ]),
                "delivery": .object([
                    "heldPolls": .int(Int64(held.polls)), "heldJournalPolls": .int(Int64(held.journal)),
                    "socketSubscribers": .int(Int64(held.sockets)), "eventSockets": .int(Int64(held.connections)),
                ]),
            ]))
    }
}
