import AXPSimCore
import Foundation
import GRDB

/// Routing queues, each chat's route, and the chats' places in queues (SPEC section 10).
extension ChatTransaction {
    // MARK: Queues

    /// One queue of the account, or nil.
    public func queue(accountId: String, queueId: String) throws -> RoutingQueue? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT definition FROM routing_queue WHERE account_id = ? AND queue_id = ?"), arguments: [accountId, queueId]
        ).map(Self.decodeQueue)
    }

    /// The account's queues, by id.
    public func queues(accountId: String) throws -> [RoutingQueue] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT definition FROM routing_queue WHERE account_id = ? ORDER BY queue_id"), arguments: [accountId]
        ).map(Self.decodeQueue)
    }

    /// Inserts a queue; a duplicate id → ``AXPSimError/duplicate(resource:id:)``.
    public func insertQueue(_ queue: RoutingQueue) throws {
        try Store.insertQueue(queue, db: db)
    }

    /// Replaces a stored queue's definition (agents and their states included).
    public func updateQueue(_ queue: RoutingQueue) throws {
        try db.execute(
            sql: "UPDATE routing_queue SET definition = ? WHERE account_id = ? AND queue_id = ?",
            arguments: [try Self.encode(queue), queue.accountId, queue.queueId])
    }

    /// Deletes a queue; false when it did not exist.
    public func deleteQueue(accountId: String, queueId: String) throws -> Bool {
        try db.execute(sql: "DELETE FROM routing_queue WHERE account_id = ? AND queue_id = ?", arguments: [accountId, queueId])
        return db.changesCount > 0
    }

    static func decodeQueue(_ text: String) throws -> RoutingQueue {
        try JSONDecoder().decode(RoutingQueue.self, from: Data(text.utf8))
    }

    static func encode(_ queue: RoutingQueue) throws -> String {
        String(decoding: try JSONEncoder.sorted.encode(queue), as: UTF8.self)
    }

    // MARK: Routes

    /// Records the route of a new chat.
    public func insertRoute(engagementId: String, accountId: String, _ decision: RoutingDecision, at date: Date) throws {
        try db.cachedStatement(sql: "INSERT INTO engagement_route (engagement_id, account_id, decision, routed_at) VALUES (?, ?, ?, ?)")
            .execute(arguments: [engagementId, accountId, String(decoding: try JSONEncoder.sorted.encode(decision), as: UTF8.self), date.millis])
    }

    /// Replaces a chat's route (after an overflow).
    public func updateRoute(engagementId: String, _ decision: RoutingDecision) throws {
        try db.execute(
            sql: "UPDATE engagement_route SET decision = ? WHERE engagement_id = ?",
            arguments: [String(decoding: try JSONEncoder.sorted.encode(decision), as: UTF8.self), engagementId])
    }

    /// A chat's route, or nil (chats created before routing existed).
    public func route(engagementId: String) throws -> RoutingDecision? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT decision FROM engagement_route WHERE engagement_id = ?"), arguments: [engagementId])
            .map { try JSONDecoder().decode(RoutingDecision.self, from: Data($0.utf8)) }
    }

    // MARK: Queue entries

    /// Puts a chat at the end of a queue (its `seq` is chosen here); the stored entry.
    @discardableResult
    public func enqueue(_ entry: QueueEntry) throws -> QueueEntry {
        var entry = entry
        entry.seq =
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM queue_entry WHERE account_id = ? AND queue_id = ?"),
                arguments: [entry.accountId, entry.queueId]) ?? 1
        try db.execute(sql: "DELETE FROM queue_entry WHERE engagement_id = ?", arguments: [entry.engagementId])
        try db.cachedStatement(
            sql: """
                INSERT INTO queue_entry (engagement_id, account_id, queue_id, seq, enqueued_at, state, routing_attributes, agent_id,
                  participant_id, last_position, last_estimate)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                entry.engagementId, entry.accountId, entry.queueId, entry.seq, entry.enqueuedAt.millis, entry.state.rawValue,
                encodeStrings(entry.routingAttributes), entry.agentId, entry.participantId, entry.lastPosition, entry.lastEstimate,
            ])
        return entry
    }

    /// Stores an entry's state, agent and last-told position.
    public func updateQueueEntry(_ entry: QueueEntry) throws {
        try db.cachedStatement(
            sql: """
                UPDATE queue_entry SET state = ?, agent_id = ?, participant_id = ?, last_position = ?, last_estimate = ?
                WHERE engagement_id = ?
                """
        ).execute(
            arguments: [entry.state.rawValue, entry.agentId, entry.participantId, entry.lastPosition, entry.lastEstimate, entry.engagementId])
    }

    /// A chat's queue entry, or nil.
    public func queueEntry(engagementId: String) throws -> QueueEntry? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM queue_entry WHERE engagement_id = ?"), arguments: [engagementId])
            .map(Self.queueEntry(row:))
    }

    /// A queue's entries that are not done, in arrival order.
    public func openQueueEntries(accountId: String, queueId: String) throws -> [QueueEntry] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM queue_entry WHERE account_id = ? AND queue_id = ? AND state != 'done' ORDER BY seq"),
            arguments: [accountId, queueId]
        ).map(Self.queueEntry(row:))
    }

    static func queueEntry(row: Row) throws -> QueueEntry {
        QueueEntry(
            engagementId: row["engagement_id"], accountId: row["account_id"], queueId: row["queue_id"], seq: row["seq"],
            enqueuedAt: row.date("enqueued_at"), state: QueueEntry.State(rawValue: row["state"]) ?? .done,
            routingAttributes: decodeStrings(row["routing_attributes"]), agentId: row["agent_id"], participantId: row["participant_id"],
            lastPosition: row["last_position"], lastEstimate: row["last_estimate"])
    }
}

extension Store {
    static func insertQueue(_ queue: RoutingQueue, db: Database) throws {
        try mapDuplicate(resource: "queue", id: queue.queueId) {
            try db.execute(
                sql: "INSERT INTO routing_queue (account_id, queue_id, definition) VALUES (?, ?, ?)",
                arguments: [queue.accountId, queue.queueId, try ChatTransaction.encode(queue)])
        }
    }
}
