/// The connections that have work for the service thread (frames, a close, an abort, a ping),
/// kept under the server's lock. The thread is woken once per batch: only the id that finds the
/// set empty asks for a wake (`lws_cancel_service`); the service thread takes the whole set when
/// it wakes, so a commit that queues frames on 1,000 connections costs one wake, not 1,000.
struct PendingWakes {
    private(set) var ids: Set<UInt64> = []

    /// Adds `id`; true when the caller must wake the service thread (no wake is pending yet).
    mutating func add(_ id: UInt64) -> Bool {
        let wake = ids.isEmpty
        ids.insert(id)
        return wake
    }

    /// Every id added since the last take (the service thread, on its wake).
    mutating func take() -> Set<UInt64> {
        defer { ids = [] }
        return ids
    }

    /// Forgets a connection that closed.
    mutating func remove(_ id: UInt64) {
        ids.remove(id)
    }
}
