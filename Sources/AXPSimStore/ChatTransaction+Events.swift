import AXPSimCore
import Foundation
import GRDB

/// The per-session event log and the timers.
extension ChatTransaction {
    /// Appends an event to a session's log with the session's next sequence number. `fieldsText`
    /// is `fields` already encoded (one encoding serves every follower of a chat event).
    @discardableResult
    public func appendEvent(
        sessionId: String, accountId: String, type: EventType, engagementId: String?, fields: [String: JSONValue], fieldsText: String? = nil,
        at date: Date
    ) throws -> SessionEvent {
        let seq =
            try Int64.fetchOne(
                db.cachedStatement(sql: "UPDATE chat_session SET last_event_seq = last_event_seq + 1 WHERE session_id = ? RETURNING last_event_seq"),
                arguments: [sessionId]) ?? 1
        let text = fieldsText ?? String(decoding: JSONValue.object(fields).jsonData, as: UTF8.self)
        try db.cachedStatement(
            sql: """
                INSERT INTO event (account_id, session_id, seq, event_type, engagement_id, created_at, fields) VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(
            arguments: [accountId, sessionId, seq, type.rawValue, engagementId, date.millis, text])
        return SessionEvent(
            journalId: db.lastInsertedRowID, accountId: accountId, sessionId: sessionId, seq: seq, eventType: type, engagementId: engagementId,
            createdAt: date, fields: fields)
    }

    /// Appends an event to the journal only (no session's log carries it: `sessionId` is empty),
    /// e.g. a chat's ROUTED. Its `seq` only keeps such rows apart.
    @discardableResult
    public func appendJournalEvent(
        accountId: String, type: EventType, engagementId: String?, fields: [String: JSONValue], at date: Date
    ) throws -> SessionEvent {
        let seq =
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM event WHERE session_id = ''")) ?? 1
        try db.cachedStatement(
            sql: """
                INSERT INTO event (account_id, session_id, seq, event_type, engagement_id, created_at, fields) VALUES (?, '', ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [accountId, seq, type.rawValue, engagementId, date.millis, String(decoding: JSONValue.object(fields).jsonData, as: UTF8.self)])
        return SessionEvent(
            journalId: db.lastInsertedRowID, accountId: accountId, sessionId: "", seq: seq, eventType: type, engagementId: engagementId,
            createdAt: date, fields: fields)
    }

    /// A session's events after `seq`, oldest first, optionally only the SDK's types.
    public func events(sessionId: String, after seq: Int64, limit: Int, sdkOnly: Bool = false) throws -> [SessionEvent] {
        var sql = "SELECT * FROM event WHERE session_id = ? AND seq > ?"
        if sdkOnly {
            let types = EventType.allCases.filter(\.isSDKEvent).map { "'\($0.rawValue)'" }.joined(separator: ", ")
            sql += " AND event_type IN (\(types))"
        }
        return try Row.mapAll(db, sql: sql + " ORDER BY seq LIMIT ?", arguments: [sessionId, seq, limit], Self.event(row:))
    }

    /// The journal: every event (of one account, or all) after `journalId`, oldest first.
    public func journal(accountId: String?, after journalId: Int64, limit: Int) throws -> [SessionEvent] {
        if let accountId {
            return try Row.mapAll(
                db.cachedStatement(sql: "SELECT * FROM event WHERE account_id = ? AND journal_id > ? ORDER BY journal_id LIMIT ?"),
                arguments: [accountId, journalId, limit], Self.event(row:))
        }
        return try Row.mapAll(db.cachedStatement(sql: "SELECT * FROM event WHERE journal_id > ? ORDER BY journal_id LIMIT ?"), arguments: [journalId, limit], Self.event(row:))
    }

    static func event(row: Row) -> SessionEvent {
        SessionEvent(
            journalId: row["journal_id"], accountId: row["account_id"], sessionId: row["session_id"], seq: row["seq"],
            eventType: EventType(rawValue: row["event_type"]) ?? .engagementError, engagementId: row["engagement_id"],
            createdAt: row.date("created_at"), fields: JSONValue.stored(row["fields"]).objectValue)
    }

    // MARK: Timers

    /// Schedules a timer; returns it with its id.
    @discardableResult
    public func insertTimer(_ timer: ScheduledTimer) throws -> ScheduledTimer {
        try db.cachedStatement(
            sql: "INSERT INTO timer (account_id, due_at, kind, target, detail) VALUES (?, ?, ?, ?, ?)").execute(
            arguments: [timer.accountId, timer.dueAt.millis, timer.kind.rawValue, timer.target, timer.detail])
        var stored = timer
        stored.timerId = db.lastInsertedRowID
        return stored
    }

    /// Cancels the timers of `kind` (or all kinds) on `target`.
    public func cancelTimers(target: String, kinds: [TimerKind]) throws {
        for kind in kinds {
            try db.cachedStatement(sql: "DELETE FROM timer WHERE target = ? AND kind = ?").execute( arguments: [target, kind.rawValue])
        }
    }

    /// Removes a timer that is about to fire; false when it is gone (fired or cancelled).
    public func takeTimer(_ timerId: Int64) throws -> Bool {
        try db.cachedStatement(sql: "DELETE FROM timer WHERE timer_id = ?").execute( arguments: [timerId])
        return db.changesCount > 0
    }

    /// The account's earliest timer due at or before `date`, or nil.
    public func nextDueTimer(accountId: String, notAfter date: Date) throws -> ScheduledTimer? {
        try Row.mapOne(
            db.cachedStatement(sql: "SELECT * FROM timer WHERE account_id = ? AND due_at <= ? ORDER BY due_at, timer_id LIMIT 1"),
            arguments: [accountId, date.millis], Self.timer(row:))
    }

    /// The timers of real-clock accounts due by `now`, earliest first (for the real-clock
    /// scheduler). Timers of virtual-clock accounts are never selected, however many there are:
    /// they fire only when their clock is advanced. An account without a stored clock has the
    /// default mode (`defaultReal`).
    public func dueRealClockTimers(now: Date, defaultReal: Bool, limit: Int) throws -> [ScheduledTimer] {
        try Row.mapAll(
            db.cachedStatement(
            sql: """
                SELECT timer.* FROM timer LEFT JOIN clock ON clock.account_id = timer.account_id
                WHERE timer.due_at <= ? AND (clock.mode = 'real' OR (clock.mode IS NULL AND ?))
                ORDER BY timer.due_at, timer.timer_id LIMIT ?
                """),
            arguments: [now.millis, defaultReal, limit], Self.timer(row:))
    }

    /// When the earliest timer of a real-clock account falls due, or nil when there is none.
    public func nextRealClockTimerDue(defaultReal: Bool) throws -> Date? {
        try Int64.fetchOne(
            db.cachedStatement(
            sql: """
                SELECT MIN(timer.due_at) FROM timer LEFT JOIN clock ON clock.account_id = timer.account_id
                WHERE clock.mode = 'real' OR (clock.mode IS NULL AND ?)
                """),
            arguments: [defaultReal]
        ).map(Timestamp.date(millis:))
    }

    /// An account's pending timers, earliest first.
    public func timers(accountId: String) throws -> [ScheduledTimer] {
        try Row.mapAll(db.cachedStatement(sql: "SELECT * FROM timer WHERE account_id = ? ORDER BY due_at, timer_id"), arguments: [accountId], Self.timer(row:))
    }

    static func timer(row: Row) -> ScheduledTimer {
        ScheduledTimer(
            timerId: row["timer_id"], accountId: row["account_id"], dueAt: row.date("due_at"),
            kind: TimerKind(rawValue: row["kind"]) ?? .scenarioStep, target: row["target"], detail: row["detail"])
    }
}
