import AXPSimChat
import AXPSimCore
import Foundation
import Logging
import AXPSimStore
import Synchronization

/// One request seen by the HTTP server.
struct JournalEntry: Sendable, Encodable {
    let id: Int
    let at: String
    let method: String
    let path: String
    let status: Int
    let durationMs: Double
    let remoteAddress: String
    let code: String?

    /// The JSON shape of an encoded entry (`code` only on errors).
    static let schema = JSONSchema.ref(
        "RequestJournalEntry",
        .object(
            [
                "id": .integer(), "at": .timestamp, "method": .string(), "path": .string(), "status": .integer(100...599), "durationMs": .number,
                "remoteAddress": .string(), "code": .string(),
            ], required: ["id", "at", "method", "path", "status", "durationMs", "remoteAddress"]))
}

/// A bounded, in-memory journal of the most recent requests (`GET /__sim/requests`).
final class RequestJournal: Sendable {
    private struct State {
        var entries: [JournalEntry] = []
        var nextId = 1
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func record(method: String, path: String, status: Int, duration: TimeInterval, remoteAddress: String, code: String?) {
        let now = Timestamp.format(Date())
        state.withLock { state in
            state.entries.append(
                JournalEntry(
                    id: state.nextId, at: now, method: method, path: path, status: status, durationMs: (duration * 1e5).rounded() / 100,
                    remoteAddress: remoteAddress, code: code))
            state.nextId += 1
            if state.entries.count > capacity { state.entries.removeFirst(state.entries.count - capacity) }
        }
    }

    /// The newest `limit` entries, oldest first.
    func recent(limit: Int) -> [JournalEntry] {
        state.withLock { Array($0.entries.suffix(max(0, limit))) }
    }

    func clear() {
        state.withLock { $0.entries.removeAll() }
    }
}
