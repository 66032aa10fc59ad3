import AXPSimCore
import AXPSimStore
import Synchronization

/// Session views (`GET …/sessions/{id}`) kept in memory, each tagged with the store's
/// ``Store/sessionViewGeneration`` read before the read that made it: a view is used only while
/// that number has not moved, i.e. no commit has since changed a session, an engagement, a
/// participant or a conversation. The SDK asks for its session at start and after reconnecting;
/// a test harness or a dashboard may poll it — reads that otherwise each open a read
/// transaction of five queries.
///
/// The caller's own checks (account, integration, customer, a newer token to adopt) are made on
/// every call against the kept session row; only the reading is saved.
final class SessionViewCache: Sendable {
    /// At most this many views are kept; the cache starts over when it is full.
    static let limit = 4096

    private let views = Mutex<[String: (generation: UInt64, view: SessionView)]>([:])

    /// The view of `sessionId` read at `generation`, if it is kept.
    func view(_ sessionId: String, generation: UInt64) -> SessionView? {
        views.withLock { views in
            guard let kept = views[sessionId], kept.generation == generation else { return nil }
            return kept.view
        }
    }

    /// Keeps `view`, read in a transaction that began at `generation`.
    func keep(_ view: SessionView, generation: UInt64) {
        views.withLock { views in
            if views.count >= Self.limit { views.removeAll(keepingCapacity: true) }
            views[view.session.sessionId] = (generation, view)
        }
    }
}
