import AXPSimCore
import AXPSimStore
import Foundation
import Logging
import Synchronization

/// Answers "what time is it for account A?" from the persisted per-account clocks, cached in
/// memory (every change goes through here, so the cache never goes stale).
final class ClockService: Sendable {
    let store: Store
    let defaultMode: ClockMode
    private let cache = Mutex<[String: ClockState]>([:])

    init(store: Store, defaultMode: ClockMode) {
        self.store = store
        self.defaultMode = defaultMode
    }

    /// The account's clock state.
    func state(accountId: String) throws -> ClockState {
        if let cached = cache.withLock({ $0[accountId] }) { return cached }
        var state = try store.clock(accountId: accountId)
        if state == .real, defaultMode == .virtual, try store.account(accountId) != nil {
            state = ClockState(mode: .virtual, virtualNow: Timestamp.date(millis: Timestamp.millis(Date())))
            try store.setClock(accountId: accountId, state)
        }
        cache.withLock { $0[accountId] = state }
        return state
    }

    /// The account's current instant.
    func now(accountId: String) throws -> Date {
        try state(accountId: accountId).now(wall: Date())
    }

    /// Persists and caches a new state.
    func set(accountId: String, _ state: ClockState) throws {
        // Virtual instants are kept to the millisecond, as they are stored: an advance computed by
        // adding seconds then lands exactly on the instants of timers and token expiries.
        var state = state
        state.virtualNow = state.virtualNow.map { Timestamp.date(millis: Timestamp.millis($0)) }
        try store.setClock(accountId: accountId, state)
        cache.withLock { $0[accountId] = state }
    }

    /// Forgets cached states (after a reset rewrote the table).
    func invalidate(accountId: String? = nil) {
        cache.withLock { cache in
            if let accountId { cache[accountId] = nil } else { cache.removeAll() }
        }
    }
}
