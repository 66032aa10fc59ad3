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
