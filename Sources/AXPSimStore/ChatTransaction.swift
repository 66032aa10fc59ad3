import AXPSimCore
import Foundation
import GRDB

/// The chat repositories, used inside one database transaction: sessions, engagements,
/// participants, messages, followers, the event log and timers. Obtain one from
/// ``Store/chatWrite(_:)`` or ``Store/chatRead(_:)``; it must not escape the closure.
public struct ChatTransaction {
    let db: Database

    init(db: Database) {
        self.db = db
    }
}

extension Store {
    /// Runs `body` in one write transaction: everything it writes commits together, or nothing.
    public func chatWrite<T>(_ body: (ChatTransaction) throws -> T) throws -> T {
        try write { db in try body(ChatTransaction(db: db)) }
    }

    /// Runs `body` in a savepoint of a write transaction that it may share with other callers'
    /// bodies (group commit): it returns once that transaction has committed, so what `body`
    /// wrote is durable. A `body` that throws is rolled back alone (the others still commit) and
    /// its error is rethrown; a failed commit fails every body of the transaction. Bodies run one
    /// at a time in the order they were queued, possibly on another caller's thread while this
    /// one waits: `body` must not take a lock that a waiting writer may hold.
    public func chatGroupWrite<T>(_ body: (ChatTransaction) throws -> T) throws -> T {
        var value: T?
        try withoutActuallyEscaping(body) { body in
            let job = GroupCommit.Job { db in value = try body(ChatTransaction(db: db)) }
            try groupCommit.perform(job, on: writer)
        }
        checkpointer?.noteWrite()
        guard let value else { throw GroupCommitError.transactionAborted(nil) }
        return value
    }

    /// Runs `body` on a consistent read snapshot.
    public func chatRead<T>(_ body: (ChatTransaction) throws -> T) throws -> T {
        try read { db in try body(ChatTransaction(db: db)) }
    }
}

extension Date {
    var millis: Int64 { Timestamp.millis(self) }
}

extension Row {
    func date(_ column: String) -> Date { Timestamp.date(millis: self[column]) }
    func optionalDate(_ column: String) -> Date? { (self[column] as Int64?).map(Timestamp.date(millis:)) }
}

func encodeStrings(_ map: [String: String]) -> String {
    JSONColumn.encode(map) ?? "{}"
}

func decodeStrings(_ text: String?) -> [String: String] {
    // Most stored maps are empty (a session without parameters): no decoder for those.
    if text == "{}" { return [:] }
    return JSONColumn.decode([String: String].self, from: text) ?? [:]
}
