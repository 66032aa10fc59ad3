import Synchronization

/// The emulator's routes, built at start and read by every request (and by the OpenAPI route).
final class RouteRegistry: Sendable {
    private let table = Mutex(RouteTable())

    /// Replaces the routes (at start).
    func install(_ routes: RouteTable) {
        table.withLock { $0 = routes }
    }

    /// Reads the routes under the lock.
    func read<T>(_ body: (RouteTable) -> T) -> T {
        table.withLock { body($0) }
    }
}
