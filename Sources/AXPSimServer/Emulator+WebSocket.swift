import AXPSimWebSocket
import Foundation
import AXPSimCore
import Logging
import AXPSimStore

/// WebSocket endpoints. This layer serves `/__sim/echo` (a liveness and round-trip check);
/// the session event stream (SPEC section 4) builds on the same hub.
extension Emulator {
    /// Subprotocols accepted on the WebSocket port; the first is used when a client asks for none.
    static let webSocketSubprotocols = ["axpsim.events.v1", "axpsim.echo"]

    func webSocketHandlers() -> WebSocketHandlers {
        WebSocketHandlers(
            onOpen: { connection in
                guard connection.path == "/__sim/echo" else {
                    connection.close(code: 4404, reason: "no WebSocket endpoint at \(connection.path)")
                    return
                }
            },
            onText: { connection, text in
                if connection.path == "/__sim/echo" { connection.send(text) }
            },
            onClose: { _, _ in })
    }
}
