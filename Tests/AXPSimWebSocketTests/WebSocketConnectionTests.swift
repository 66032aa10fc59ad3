@testable import AXPSimWebSocket
import Foundation
import Synchronization
import Testing

@Suite struct WebSocketConnectionTests {
    final class Wakes: Sendable {
        let count = Mutex(0)
    }

    @Test func queueIsBoundedAndASlowConsumerIsClosed() {
        let wakes = Wakes()
        let connection = WebSocketConnection(id: 1, path: "/p", subprotocol: "s", limits: (frames: 3, bytes: 1000)) { _ in
            wakes.count.withLock { $0 += 1 }
        }
        #expect(connection.send("a"))
        #expect(connection.send("b"))
        #expect(connection.send("c"))
        #expect(!connection.send("d"), "the fourth frame is over the bound")
        #expect(connection.isClosed)
        #expect(!connection.send("e"), "nothing is accepted after the close request")
        // The frames already queued still go out, in order, then the close.
        #expect(connection.queuedFrameCount == 3)
        var texts: [String] = []
        var action = connection.nextAction()
        while case .write(.text(let data), _) = action {
            texts.append(String(decoding: data, as: UTF8.self))
            action = connection.nextAction()
        }
        #expect(texts == ["a", "b", "c"])
        guard case .close(let code, _) = action else {
            Issue.record("expected a close")
            return
        }
        #expect(code == WebSocketConnection.slowConsumerCloseCode)
        #expect(wakes.count.withLock { $0 } == 5, "every send wakes the service thread, refused ones too")
    }

    @Test func framesDrainInOrderThenTheRequestedClose() {
        let connection = WebSocketConnection(id: 2, path: "/p", subprotocol: "s", limits: (frames: 10, bytes: 10)) { _ in }
        #expect(connection.send("12345"))
        #expect(!connection.send("123456"), "byte bound")
        let fresh = WebSocketConnection(id: 3, path: "/p", subprotocol: "s", limits: (frames: 10, bytes: 100)) { _ in }
        fresh.send("one")
        fresh.send("two")
        fresh.close(code: 1001, reason: "bye")
        #expect(!fresh.send("late"))
        var texts: [String] = []
        loop: while true {
            switch fresh.nextAction() {
            case .write(.text(let data), _): texts.append(String(decoding: data, as: UTF8.self))
            case .write(.ping, _): continue
            case .close(let code, let reason):
                #expect(code == 1001 && reason == "bye")
                break loop
            case .idle, .abort:
                Issue.record("closed without a close frame")
                break loop
            }
        }
        #expect(texts == ["one", "two"])
    }

    @Test func abortDropsQueuedFramesAndRefusesNewOnes() {
        let connection = WebSocketConnection(id: 4, path: "/p", subprotocol: "s", limits: (frames: 10, bytes: 100)) { _ in }
        connection.send("queued")
        connection.abort()
        #expect(connection.isClosed)
        #expect(!connection.send("late"))
        guard case .abort = connection.nextAction() else {
            Issue.record("expected an abort")
            return
        }
    }
}

/// Batched writes: one wake per batch of connections, and the frames a slow consumer let pile up
/// written back to back in one writeable callback, the close after them.
@Suite struct WebSocketBatchingTests {
    @Test func oneWakePerBatchOfConnections() {
        var wakes = PendingWakes()
        let first = wakes.add(1)
        #expect(first, "the first connection with work wakes the service thread")
        var extraWakes = 0
        for id in UInt64(1)...1000 where wakes.add(id) { extraWakes += 1 }
        #expect(extraWakes == 0, "the others ride on the same wake")
        let taken = wakes.take()
        #expect(taken == Set(1...1000))
        let afterTake = wakes.add(7)
        #expect(afterTake, "after the service thread took the set, new work wakes it again")
        wakes.remove(7)
        let afterRemove = wakes.add(8)
        #expect(afterRemove, "a set emptied by a close asks for a wake again: none is lost")
    }

    @Test func aSlowConsumersBacklogDrainsAsOneBatchThenTheClose() {
        let connection = WebSocketConnection(id: 5, path: "/p", subprotocol: "s", limits: (frames: 4, bytes: 1000)) { _ in }
        for n in 0..<4 { #expect(connection.send("e\(n)")) }
        #expect(!connection.send("e4"), "over the bound: the consumer is too slow")
        // One writeable callback: the first action, then frames back to back while the socket
        // takes them; the close waits for the next callback.
        guard case .write(.text(let first), more: true) = connection.nextAction() else {
            Issue.record("expected a frame with more to come")
            return
        }
        var batch = [String(decoding: first, as: UTF8.self)]
        while let frame = connection.takeFrame() {
            guard case .text(let data) = frame else { continue }
            batch.append(String(decoding: data, as: UTF8.self))
        }
        #expect(batch == ["e0", "e1", "e2", "e3"], "in order, none lost or doubled")
        #expect(connection.hasPendingWork, "the close is still to go")
        guard case .close(let code, _) = connection.nextAction() else {
            Issue.record("expected the slow-consumer close")
            return
        }
        #expect(code == WebSocketConnection.slowConsumerCloseCode)
        #expect(!connection.hasPendingWork)
    }

    @Test func anAbortStopsABatch() {
        let connection = WebSocketConnection(id: 6, path: "/p", subprotocol: "s", limits: (frames: 10, bytes: 1000)) { _ in }
        connection.send("a")
        connection.send("b")
        guard case .write = connection.nextAction() else {
            Issue.record("expected a frame")
            return
        }
        connection.abort()
        #expect(connection.takeFrame() == nil, "nothing more is written once an abort is asked")
        #expect(connection.hasPendingWork)
        guard case .abort = connection.nextAction() else {
            Issue.record("expected the abort")
            return
        }
    }
}

/// Teardown of the lws context while other threads wake the service thread (issue 7, item 8):
/// `lws_cancel_service` must never reach a context being destroyed.
@Suite struct WebSocketServerTeardownTests {
    final class Flag: Sendable {
        let value = Mutex(false)
    }

    @Test func wakesDuringStopNeverTouchADestroyedContext() throws {
        for _ in 0..<30 {
            let server = WebSocketServer(
                configuration: WebSocketServer.Configuration(port: 0, subprotocols: ["t"]),
                handlers: WebSocketHandlers(onOpen: { _ in }, onText: { _, _ in }, onClose: { _, _ in }))
            try server.start()
            let done = Flag()
            let finished = DispatchSemaphore(value: 0)
            let hammer = Thread {
                var id: UInt64 = 0
                while !done.value.withLock({ $0 }) {
                    id &+= 1
                    server.wake(id)
                }
                finished.signal()
            }
            hammer.start()
            server.stop(grace: 0)
            #expect(!server.isRunning)
            server.wake(1)
            done.value.withLock { $0 = true }
            finished.wait()
        }
    }
}
