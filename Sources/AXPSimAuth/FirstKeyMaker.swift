import Synchronization

/// The two steps of a ring's first key, run once.
final class FirstKeyMaker: Sendable {
    let make: @Sendable () throws -> SigningKey
    let store: @Sendable (SigningKey) throws -> Void
    private let begun = Mutex(false)

    init(make: @escaping @Sendable () throws -> SigningKey, store: @escaping @Sendable (SigningKey) throws -> Void) {
        self.make = make
        self.store = store
    }

    /// True for the first caller only.
    func claim() -> Bool {
        begun.withLock { begun in
            defer { begun = true }
            return !begun
        }
    }
}
