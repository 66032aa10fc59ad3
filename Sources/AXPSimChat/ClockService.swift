import AXPSimCore
import AXPSimStore
import Foundation
import Logging
import Synchronization

/// Answers "what time is it for account A?" from the persisted per-account clocks, cached in
/// memory (every change goes through here, so the cache never goes stale).
package final class ClockService: Sendable {
    package let store: Store
    package let defaultMode: ClockMode

    /// Cached states and a generation that every change bumps: a cache miss fills the cache only
    /// when no change happened while it read the store, so a concurrent `set` is never
    /// overwritten by an older read.
    private struct Cache {
        package var states: [String: ClockState] = [:]
        package var generation: UInt64 = 0
    }

    private let cache = Mutex(Cache())
    /// Serialises changes: the store write and the cache update of one `set` happen together.
    private let changes = Mutex(())

    package init(store: Store, defaultMode: ClockMode) {
        self.store = store
        self.defaultMode = defaultMode
    }

    /// The account's clock state.
    package func state(accountId: String) throws -> ClockState {
        let (cached, generation) = cache.withLock { ($0.states[accountId], $0.generation) }
        if let cached { return cached }
        let state: ClockState
        if defaultMode == .virtual {
            let frozen = ClockState(mode: .virtual, virtualNow: Timestamp.date(millis: Timestamp.millis(Date())))
            state = try store.clockInitializing(accountId: accountId, to: frozen)
        } else {
            state = try store.clock(accountId: accountId)
        }
        cache.withLock { cache in
            if cache.generation == generation, cache.states[accountId] == nil { cache.states[accountId] = state }
        }
        return state
    }

    /// The account's current instant.
    package func now(accountId: String) throws -> Date {
        try state(accountId: accountId).now(wall: Date())
    }

    /// Persists and caches a new state.
    package func set(accountId: String, _ state: ClockState) throws {
        // Virtual instants are kept to the millisecond, as they are stored: an advance computed by
        // adding seconds then lands exactly on the instants of timers and token expiries.
        var state = state
        state.virtualNow = state.virtualNow.map { Timestamp.date(millis: Timestamp.millis($0)) }
        try changes.withLock { _ in
            try store.setClock(accountId: accountId, state)
            cache.withLock { cache in
                cache.states[accountId] = state
                cache.generation &+= 1
            }
        }
    }

    /// Forgets cached states (after a reset rewrote the table).
    package func invalidate(accountId: String? = nil) {
        changes.withLock { _ in
            cache.withLock { cache in
                if let accountId { cache.states[accountId] = nil } else { cache.states.removeAll() }
                cache.generation &+= 1
            }
        }
    }
}
