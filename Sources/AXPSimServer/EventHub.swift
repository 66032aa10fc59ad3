import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import AXPSimStore
import AXPSimWebSocket
import Foundation
import Logging
import Synchronization

/// Delivers stored events to whoever follows a session: held long polls (answered when the log
/// grows) and WebSocket subscribers (pushed in order). Events are always read back from the
/// store, so delivery never runs ahead of what is committed and a resume misses nothing.
final class EventHub: Sendable {
    /// A held long poll of a session.
    struct Waiter: Sendable {
        let accountId: String
        let sessionId: String
        let after: Int64
        let pending: PendingResponse
        let respond: @Sendable ([SessionEvent]) -> HTTPResponse
    }

    /// A held journal poll (`GET /__sim/events?wait=`).
    struct JournalWaiter: Sendable {
        let accountId: String?
        let after: Int64
        /// Most events its answer carries (the request's `limit`).
        let limit: Int
        let pending: PendingResponse
        let respond: @Sendable ([SessionEvent]) -> HTTPResponse
    }

    struct State {
        var nextId: UInt64 = 0
        /// Every event socket by connection id: waiting for its auth frame, or subscribed.
        var sockets: [UInt64: SocketState] = [:]
        var waiters: [String: [UInt64: Waiter]] = [:]
        var subscribers: [String: [UInt64: EventSubscriber]] = [:]
        var journalWaiters: [UInt64: JournalWaiter] = [:]
        /// The latest events of sessions that have sockets, already encoded: live pushes read
        /// these instead of the database.
        var recent: [String: [CachedEvent]] = [:]
    }

    /// A committed event with its encoded frame.
    struct CachedEvent: Sendable {
        let event: SessionEvent
        let frame: Data
    }

    /// Events kept per subscribed session.
    static let recentLimit = 128

    let store: Store
    let faults: FaultInjector
    let state = Mutex(State())
    let logger = Logger(label: "axpsim.events")
    /// Writes the signed URLs of the files MESSAGE events carry into socket frames (nil: frames
    /// as stored, for tests of delivery alone).
    let links: AttachmentLinks?
    /// Most long polls one session may have held at once (more answer 429 `too_many_followers`).
    let maxPollsPerSession: Int
    /// Most event sockets one session may have at once (more are closed with 4429).
    let maxSocketsPerSession: Int
    /// Most events one long-poll answer carries.
    static let pollBatch = 200

    init(store: Store, faults: FaultInjector, links: AttachmentLinks? = nil, maxPollsPerSession: Int = 16, maxSocketsPerSession: Int = 16) {
        self.store = store
        self.faults = faults
        self.links = links
        self.maxPollsPerSession = maxPollsPerSession
        self.maxSocketsPerSession = maxSocketsPerSession
    }

    /// The frame a socket sends for `event` (`fieldsText`: its fields as encoded when stored):
    /// with the signed URL of each file it carries. A URL that cannot be written (the account's
    /// clock cannot be read) is logged and the frame goes without it.
    func frame(_ event: SessionEvent, fieldsText: String?) -> Data {
        do {
            if let links { return try links.frame(event, fieldsText: fieldsText) }
        } catch {
            logger.error("cannot write the attachment URLs of an event", metadata: ["session": "\(event.sessionId)", "error": "\(error)"])
        }
        return fieldsText.map(event.frame(fieldsText:)) ?? event.wire.jsonData
    }

    /// What a failed store read answers a held request with: a logged 500, never a silent `[]`.
    private func storeFailure(_ error: any Error, _ what: String) -> HTTPResponse {
        logger.error("cannot read events", metadata: ["for": "\(what)", "error": "\(error)"])
        return JSONResponses.problem(.internalError("cannot read the event log"))
    }

    // MARK: Long polls

    /// Answers at once when the session has SDK events after `after`; otherwise holds the
    /// request until one is stored or `hold` seconds pass (then `[]`). `render` builds the answer.
    func poll(
        accountId: String, sessionId: String, after: Int64, hold: TimeInterval, render: @escaping @Sendable ([SessionEvent]) -> HTTPResponse
    ) throws -> HTTPResult {
        let pending = PendingResponse()
        let waiter = Waiter(accountId: accountId, sessionId: sessionId, after: after, pending: pending, respond: render)
        let id = state.withLock { state -> UInt64? in
            guard (state.waiters[sessionId]?.count ?? 0) < maxPollsPerSession else { return nil }
            state.nextId += 1
            state.waiters[sessionId, default: [:]][state.nextId] = waiter
            return state.nextId
        }
        guard let id else {
            throw AXPSimError.tooManyFollowers(
                "This session already has \(maxPollsPerSession) long polls held; answer or abort one first (--max-polls-per-session)")
        }
        // Registered before reading, so an event committed in between wakes this waiter.
        let events: [SessionEvent]
        do {
            events = try store.chatRead { try $0.events(sessionId: sessionId, after: after, limit: Self.pollBatch, sdkOnly: true) }
        } catch {
            removeWaiter(sessionId: sessionId, id: id)
            throw error
        }
        if !events.isEmpty || hold <= 0 {
            removeWaiter(sessionId: sessionId, id: id)
            return .respond(render(events))
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + hold) { [weak self] in
            self?.removeWaiter(sessionId: sessionId, id: id)
            pending.fulfill(render([]))
        }
        return .suspend(pending)
    }

    private func removeWaiter(sessionId: String, id: UInt64) {
        state.withLock { state in
            state.waiters[sessionId]?[id] = nil
            if state.waiters[sessionId]?.isEmpty == true { state.waiters[sessionId] = nil }
        }
    }

    /// Answers every held poll of a session now with `response` (session closed or reset).
    func releasePolls(sessionId: String, with response: HTTPResponse) {
        let waiters = state.withLock { $0.waiters.removeValue(forKey: sessionId) ?? [:] }
        for waiter in waiters.values { waiter.pending.fulfill(response) }
    }

    /// After a reset: held polls of the account (or of every account) answer 404 Session not
    /// found, and its sockets close with 4410.
    func dropAccount(_ accountId: String?, response: HTTPResponse) {
        let (waiters, subscribers) = state.withLock { state -> ([Waiter], [EventSubscriber]) in
            let waiters = state.waiters.values.flatMap(\.values).filter { accountId == nil || $0.accountId == accountId }
            for waiter in waiters { state.waiters[waiter.sessionId] = nil }
            let subscribers = state.subscribers.values.flatMap(\.values).filter { accountId == nil || $0.accountId == accountId }
            return (waiters, subscribers)
        }
        for waiter in waiters { waiter.pending.fulfill(response) }
        for subscriber in subscribers { subscriber.connection.close(code: SocketClose.sessionClosed, reason: "state reset") }
    }

    /// After a session closed: held polls answer `response` (or, when it is nil, keep being held
    /// until their hold ends with `[]`); sockets get their last events, then 4410.
    func sessionClosed(_ sessionId: String, response: HTTPResponse?) {
        if let response { releasePolls(sessionId: sessionId, with: response) }
        for subscriber in subscribers(sessionId: sessionId) {
            subscriber.pump(hub: self)
            subscriber.connection.close(code: SocketClose.sessionClosed, reason: "session closed")
        }
    }

    /// Closes the sockets authenticated with a token (revocation).
    func closeSockets(tokenJti: String) {
        for subscriber in allSubscribers() where subscriber.tokenJti == tokenJti {
            subscriber.connection.close(code: SocketClose.unauthorized, reason: "token revoked")
        }
    }

    /// Drops a session's sockets without a close frame; returns how many.
    @discardableResult
    func dropSockets(sessionId: String) -> Int {
        let list = subscribers(sessionId: sessionId)
        for subscriber in list { subscriber.connection.abort() }
        return list.count
    }

    // MARK: Journal

    /// Answers at once with journal events after `after`, or holds up to `wait` seconds.
    func pollJournal(
        accountId: String?, after: Int64, limit: Int, wait: TimeInterval, render: @escaping @Sendable ([SessionEvent]) -> HTTPResponse
    ) throws -> HTTPResult {
        let pending = PendingResponse()
        let id = state.withLock { state -> UInt64 in
            state.nextId += 1
            state.journalWaiters[state.nextId] = JournalWaiter(accountId: accountId, after: after, limit: limit, pending: pending, respond: render)
            return state.nextId
        }
        let events: [SessionEvent]
        do {
            events = try store.chatRead { try $0.journal(accountId: accountId, after: after, limit: limit) }
        } catch {
            _ = state.withLock { $0.journalWaiters.removeValue(forKey: id) }
            throw error
        }
        if !events.isEmpty || wait <= 0 {
            _ = state.withLock { $0.journalWaiters.removeValue(forKey: id) }
            return .respond(render(events))
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + wait) { [weak self] in
            _ = self?.state.withLock { $0.journalWaiters.removeValue(forKey: id) }
            pending.fulfill(render([]))
        }
        return .suspend(pending)
    }

    // MARK: Sockets

    /// Adds a socket subscriber; it is pumped at once (replay) and on every notification. False
    /// (nothing registered) when the session already has ``maxSocketsPerSession`` sockets.
    func subscribe(_ subscriber: EventSubscriber) -> Bool {
        let added = state.withLock { state -> Bool in
            guard (state.subscribers[subscriber.sessionId]?.count ?? 0) < maxSocketsPerSession else { return false }
            state.subscribers[subscriber.sessionId, default: [:]][subscriber.connection.id] = subscriber
            return true
        }
        if added { subscriber.pump(hub: self) }
        return added
    }

    func unsubscribe(sessionId: String, connectionId: UInt64) {
        state.withLock { state in
            state.subscribers[sessionId]?[connectionId] = nil
            if state.subscribers[sessionId]?.isEmpty == true {
                state.subscribers[sessionId] = nil
                state.recent[sessionId] = nil
            }
        }
    }

    /// Adds a committed event to a session's cache, which stays a contiguous run of sequence
    /// numbers. Commits that finished together may be published in any order: an event just
    /// before the run is put in front, one already there is ignored, and a gap (events appended
    /// while the session had no socket) restarts the run. The run's end never moves back, so a
    /// pump that stops at it cannot miss an event whose own notification is still to come.
    static func cache(_ item: CachedEvent, in list: inout [CachedEvent]) {
        let seq = item.event.seq
        guard let first = list.first?.event.seq, let last = list.last?.event.seq else {
            list.append(item)
            return
        }
        if seq == last + 1 {
            list.append(item)
        } else if seq == first - 1 {
            list.insert(item, at: 0)
        } else if seq > last + 1 {
            list.removeAll(keepingCapacity: true)
            list.append(item)
        } else {
            return  // already cached, or older than the run: read from the store when needed
        }
        if list.count > Self.recentLimit { list.removeFirst(list.count - Self.recentLimit) }
    }

    /// The session's events after `seq` from the cache, when it holds all of them (nil: read the store).
    func cachedEvents(sessionId: String, after seq: Int64) -> [CachedEvent]? {
        state.withLock { state in
            guard let cached = state.recent[sessionId], let first = cached.first?.event.seq, let last = cached.last?.event.seq else { return nil }
            if last <= seq { return [] }
            guard first <= seq + 1 else { return nil }
            // Contiguous: the event after `seq` is at a known index.
            return Array(cached[Int(seq + 1 - first)...])
        }
    }

    /// The socket subscribers of a session.
    func subscribers(sessionId: String) -> [EventSubscriber] {
        state.withLock { Array(($0.subscribers[sessionId] ?? [:]).values) }
    }

    /// Every socket subscriber.
    func allSubscribers() -> [EventSubscriber] {
        state.withLock { $0.subscribers.values.flatMap(\.values) }
    }

    // MARK: Notification

    /// Called after a commit that appended events to these sessions' logs.
    func notify(sessions: Set<String>, events encoded: [CachedEvent] = []) {
        // Journal-only events (a chat's ROUTED) touch no session but wake journal polls.
        guard !sessions.isEmpty || !encoded.isEmpty else { return }
        let (waiters, subscribers, journal) = state.withLock { state -> ([(UInt64, Waiter)], [EventSubscriber], [(UInt64, JournalWaiter)]) in
            for item in encoded where state.subscribers[item.event.sessionId] != nil {
                Self.cache(item, in: &state.recent[item.event.sessionId, default: []])
            }
            var waiters: [(UInt64, Waiter)] = []
            var subscribers: [EventSubscriber] = []
            for session in sessions {
                waiters += state.waiters[session].map { Array($0) } ?? []
                subscribers += state.subscribers[session].map { Array($0.values) } ?? []
            }
            return (waiters, subscribers, Array(state.journalWaiters))
        }
        for (id, waiter) in waiters where !waiter.pending.isFulfilled {
            do {
                let events = try store.chatRead { try $0.events(sessionId: waiter.sessionId, after: waiter.after, limit: Self.pollBatch, sdkOnly: true) }
                guard !events.isEmpty else { continue }
                waiter.pending.fulfill(waiter.respond(events))
            } catch {
                waiter.pending.fulfill(storeFailure(error, "long poll"))
            }
            // Answered: no longer registered (its hold timer then finds nothing to do).
            removeWaiter(sessionId: waiter.sessionId, id: id)
        }
        for subscriber in subscribers { subscriber.pump(hub: self, useCache: true) }
        for (id, waiter) in journal where !waiter.pending.isFulfilled {
            do {
                let events = try store.chatRead { try $0.journal(accountId: waiter.accountId, after: waiter.after, limit: waiter.limit) }
                guard !events.isEmpty else { continue }
                waiter.pending.fulfill(waiter.respond(events))
            } catch {
                waiter.pending.fulfill(storeFailure(error, "journal poll"))
            }
            _ = state.withLock { $0.journalWaiters.removeValue(forKey: id) }
        }
    }

    /// Held long polls and journal polls, subscribed sockets and all event sockets right now (for
    /// health and tests).
    var heldCounts: (polls: Int, journal: Int, sockets: Int, connections: Int) {
        state.withLock { state in
            (
                state.waiters.values.reduce(0) { $0 + $1.count }, state.journalWaiters.count, state.subscribers.values.reduce(0) { $0 + $1.count },
                state.sockets.count
            )
        }
    }

    // MARK: Socket states

    /// A new event socket for a session: it must authenticate first.
    func socketOpened(_ id: UInt64, integrationId: String, sessionId: String) {
        state.withLock { $0.sockets[id] = .awaitingAuth(integrationId: integrationId, sessionId: sessionId) }
    }

    /// True while the socket has not sent its auth frame.
    func isAwaitingAuth(_ id: UInt64) -> Bool {
        state.withLock { state in
            if case .awaitingAuth? = state.sockets[id] { return true }
            return false
        }
    }

    /// The socket's state before this frame; a socket awaiting auth moves to authenticating.
    func beginAuthentication(_ id: UInt64) -> SocketState? {
        state.withLock { state in
            let current = state.sockets[id]
            if case .awaitingAuth? = current { state.sockets[id] = .authenticating }
            return current
        }
    }

    /// An authenticated socket follows its session; false when it closed meanwhile.
    func markSubscribed(_ id: UInt64, sessionId: String) -> Bool {
        state.withLock { state in
            guard case .authenticating? = state.sockets[id] else { return false }
            state.sockets[id] = .subscribed(sessionId: sessionId)
            return true
        }
    }

    /// A socket closed: it leaves every registry.
    func socketClosed(_ id: UInt64) {
        let removed = state.withLock { $0.sockets.removeValue(forKey: id) }
        if case .subscribed(let sessionId)? = removed { unsubscribe(sessionId: sessionId, connectionId: id) }
    }
}

/// The state of one event socket.
enum SocketState: Sendable {
    /// Connected; the auth frame must arrive before the deadline.
    case awaitingAuth(integrationId: String, sessionId: String)
    /// Authenticating (off the service thread).
    case authenticating
    /// Following the session's log.
    case subscribed(sessionId: String)
}

/// The chat's event sink: committed events reach held polls and sockets, closed sessions and
/// revoked tokens end theirs.
extension EventHub: ChatEventSink {
    func published(_ events: [CommittedEvent], sessions: Set<String>) {
        notify(sessions: sessions, events: events.map { CachedEvent(event: $0.event, frame: frame($0.event, fieldsText: $0.fieldsText)) })
    }

    /// Held polls of a session the platform closed answer 404 `Session not found` at once (both
    /// SDK families stop on it, the Omni SDK by shutting itself down). After the SDK's own shutdown
    /// they are left to end with `[]` when their hold does: the SDK is still polling while its
    /// `DELETE` is answered, and an answer then (404, or `[]` and a 404 to the next poll) can reach
    /// it before it has stopped polling, which makes the Omni SDK log an error and start a second
    /// shutdown (docs/omni-protocol.md).
    func sessionClosed(_ sessionId: String, byItsClient: Bool) {
        sessionClosed(sessionId, response: byItsClient ? nil : JSONResponses.problem(.sessionNotFound))
    }

    func tokenRevoked(_ jti: String) {
        closeSockets(tokenJti: jti)
    }

    func dropConnections(sessionId: String) -> Int {
        dropSockets(sessionId: sessionId)
    }
}

/// One WebSocket following one session's event log from `lastSent` on.
final class EventSubscriber: Sendable {
    let sessionId: String
    let accountId: String
    let tokenJti: String
    let connection: WebSocketConnection
    /// The last event sent, and the `ready` frame still to send before any event.
    private let progress: Mutex<(last: Int64, ready: Data?)>

    /// `ready` goes out first, from the first pump: the subscriber is registered (so control-plane
    /// actions reach it) before the client can see `ready`, and no event can overtake it.
    init(sessionId: String, accountId: String, tokenJti: String, connection: WebSocketConnection, after: Int64, ready: Data?) {
        self.sessionId = sessionId
        self.accountId = accountId
        self.tokenJti = tokenJti
        self.connection = connection
        progress = Mutex((after, ready))
    }

    /// Sends every stored event after the last one sent, in order; serialised per subscriber so
    /// that replay and live pushes never interleave or repeat.
    /// A store that cannot be read closes the socket with 1011: the client resumes from its last
    /// event id, so nothing is silently skipped.
    func pump(hub: EventHub, useCache: Bool = false) {
        let store = hub.store
        let faults = hub.faults
        let logger = hub.logger
        let cache = useCache ? hub : nil
        progress.withLock { progress in
            if let ready = progress.ready {
                progress.ready = nil
                guard connection.send(data: ready) else { return }
            }
            while !connection.isClosed {
                let last = progress.last
                let batch: [EventHub.CachedEvent]
                if let cached = cache?.cachedEvents(sessionId: sessionId, after: last) {
                    batch = cached
                } else {
                    let events: [SessionEvent]
                    do {
                        events = try store.chatRead { try $0.events(sessionId: sessionId, after: last, limit: 500) }
                    } catch {
                        logger.error("cannot read events for a socket", metadata: ["session": "\(sessionId)", "error": "\(error)"])
                        connection.close(code: SocketClose.internalError, reason: "cannot read the event log")
                        return
                    }
                    batch = events.map { EventHub.CachedEvent(event: $0, frame: hub.frame($0, fieldsText: nil)) }
                }
                guard !batch.isEmpty else { return }
                for item in batch {
                    let event = item.event
                    switch faults.action(event: event.eventType) {
                    case .closeSocket?:
                        connection.abort()
                        return
                    case .drop?:
                        progress.last = event.seq
                        continue
                    default:
                        break
                    }
                    guard connection.send(data: item.frame) else { return }
                    progress.last = event.seq
                }
            }
        }
    }
}
