import AXPSimChat
import Synchronization

/// A `Mutex` in a class, so values that hold one stay copyable and `Sendable`.
final class SendableMutex<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    func withLock<Result>(_ body: (inout sending Value) throws -> sending Result) rethrows -> sending Result {
        try mutex.withLock(body)
    }
}
