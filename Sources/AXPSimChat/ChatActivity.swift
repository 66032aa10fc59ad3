import AXPSimCore
import Synchronization

/// What the chat reports to its observers after a commit, besides its events: who may now be
/// waiting for whom. The scenario engine follows it.
package enum ChatActivity: Sendable {
    case engagementCreated(Engagement)
    case customerMessage(engagementId: String)
    case agentMessage(engagementId: String)
    case engagementEnded(engagementId: String)
}

/// An observer of ``ChatActivity`` (held weakly).
package protocol ChatActivityObserver: AnyObject, Sendable {
    func chatActivity(_ activity: ChatActivity)
}

/// The observers of one chat service. Created before the chat service and handed to it and to
/// each observer at construction, so neither holds the other and nothing is wired in afterwards.
package final class ChatObservers: Sendable {
    private struct Entry: Sendable {
        weak var observer: (any ChatActivityObserver)?
    }

    private let entries = Mutex<[Entry]>([])

    package init() {}

    /// Adds an observer (from its initialiser).
    package func add(_ observer: any ChatActivityObserver) {
        entries.withLock { entries in
            entries.removeAll { $0.observer == nil }
            entries.append(Entry(observer: observer))
        }
    }

    /// Tells every observer, on the calling thread, outside the lock.
    func report(_ activity: ChatActivity) {
        for entry in entries.withLock({ $0 }) { entry.observer?.chatActivity(activity) }
    }
}
