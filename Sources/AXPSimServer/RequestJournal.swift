import AXPSimChat
import AXPSimCore
import Foundation
import Logging
import AXPSimStore
import Synchronization

/// One request seen by the HTTP server. Its instant is kept as a `Date` (recording is on every
/// request's path) and written as RFC 3339 text only when the entry is encoded.
struct JournalEntry: Sendable, Encodable {
    let id: Int
    let at: Date
    let method: String
    let path: String
    let status: Int
    let durationMs: Double
    let remoteAddress: String
    let code: String?

    private enum CodingKeys: String, CodingKey {
        case id, at, method, path, status, durationMs, remoteAddress, code
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(Timestamp.format(at), forKey: .at)
        try container.encode(method, forKey: .method)
        try container.encode(path, forKey: .path)
        try container.encode(status, forKey: .status)
        try container.encode(durationMs, forKey: .durationMs)
        try container.encode(remoteAddress, forKey: .remoteAddress)
        try container.encodeIfPresent(code, forKey: .code)
    }

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
///
/// Recording is on every request's path, so it only appends to a ring of `capacity` entries (no
/// shifting of the older ones).
final class RequestJournal: Sendable {
    private struct State {
        /// At most `capacity` entries; once full, `oldest` is where the next one goes.
        var ring: [JournalEntry] = []
        var oldest = 0
        var nextId = 1
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func record(method: String, path: String, status: Int, duration: TimeInterval, remoteAddress: String, code: String?) {
        let now = Date()
        state.withLock { state in
            let entry = JournalEntry(
                id: state.nextId, at: now, method: method, path: path, status: status, durationMs: (duration * 1e5).rounded() / 100,
                remoteAddress: remoteAddress, code: code)
            state.nextId += 1
            if state.ring.count < capacity {
                state.ring.append(entry)
            } else {
                state.ring[state.oldest] = entry
                state.oldest = (state.oldest + 1) % capacity
            }
        }
    }

    /// The newest `limit` entries, oldest first.
    func recent(limit: Int) -> [JournalEntry] {
        state.withLock { state in
            let ordered = state.ring.count < capacity ? Array(state.ring) : Array(state.ring[state.oldest...] + state.ring[..<state.oldest])
            return Array(ordered.suffix(max(0, limit)))
        }
    }

    func clear() {
        state.withLock { state in
            state.ring.removeAll()
            state.oldest = 0
        }
    }
}
