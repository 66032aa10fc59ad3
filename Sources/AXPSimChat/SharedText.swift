import Synchronization

/// A string shared across threads (the emulator's base URL, known once it is bound).
package final class SharedText: Sendable {
    package let value: Mutex<String>

    package init(_ initial: String) {
        value = Mutex(initial)
    }
}
