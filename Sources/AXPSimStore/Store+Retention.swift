import AXPSimCore
import Foundation
import GRDB

/// What one pruning pass removed.
public struct PruneReport: Sendable, Equatable, Codable {
    /// Closed sessions removed (with their event logs, follower rows and timers).
    public var sessions = 0
    /// Events removed (of those sessions).
    public var events = 0
    /// Ended chats removed (with their messages and participants).
    public var engagements = 0
    /// Messages removed (of those chats).
    public var messages = 0
    /// Attachments removed (with their bytes): those of the removed chats, and announced files
    /// never uploaded whose upload URL ended before the cutoff.
    public var attachments = 0
    /// Expired or revoked chat JWT records removed.
    public var tokens = 0
    /// Expired OAuth access tokens removed.
    public var accessTokens = 0
    /// Customers left with no session, chat or token, removed.
    public var customers = 0

    public init() {}

    /// Adds another report's counts.
    public mutating func add(_ other: PruneReport) {
        sessions += other.sessions
        events += other.events
        engagements += other.engagements
        messages += other.messages
        attachments += other.attachments
        tokens += other.tokens
        accessTokens += other.accessTokens
        customers += other.customers
    }

    /// True when nothing was removed.
    public var isEmpty: Bool { self == PruneReport() }
}

/// Retention: what is past its use is removed, so a long-running emulator's database stays flat.
extension Store {
    /// Removes, in one transaction, the account's state that ended before `cutoff` (an instant on
    /// the account's clock): closed sessions with their event logs, ended chats with their
    /// messages, participants and attachments (bytes included), announced files never uploaded,
    /// expired or revoked chat JWT records no active session uses,
    /// expired OAuth access tokens, and customers left with nothing. Active sessions, open chats
    /// and anything newer are never touched.
    public func prune(accountId: String, before cutoff: Date) throws -> PruneReport {
        try write { db in
            let at = Timestamp.millis(cutoff)
            var report = PruneReport()
            let closedSessions = "SELECT session_id FROM chat_session WHERE account_id = ? AND state = 'closed' AND closed_at < ?"
            try db.execute(sql: "DELETE FROM event WHERE session_id IN (\(closedSessions))", arguments: [accountId, at])
            report.events = db.changesCount
            try db.execute(sql: "DELETE FROM engagement_follower WHERE session_id IN (\(closedSessions))", arguments: [accountId, at])
            try db.execute(sql: "DELETE FROM timer WHERE account_id = ? AND target IN (\(closedSessions))", arguments: [accountId, accountId, at])
            try db.execute(
                sql: "DELETE FROM chat_session WHERE account_id = ? AND state = 'closed' AND closed_at < ?", arguments: [accountId, at])
            report.sessions = db.changesCount

            let endedChats = "SELECT engagement_id FROM engagement WHERE account_id = ? AND ended_at IS NOT NULL AND ended_at < ?"
            try db.execute(sql: "DELETE FROM message WHERE engagement_id IN (\(endedChats))", arguments: [accountId, at])
            report.messages = db.changesCount
            try db.execute(sql: "DELETE FROM attachment WHERE engagement_id IN (\(endedChats))", arguments: [accountId, at])
            report.attachments = db.changesCount
            try db.execute(
                sql: "DELETE FROM attachment WHERE account_id = ? AND state = 'pending' AND upload_expires_at < ?", arguments: [accountId, at])
            report.attachments += db.changesCount
            try db.execute(sql: "DELETE FROM participant WHERE engagement_id IN (\(endedChats))", arguments: [accountId, at])
            try db.execute(sql: "DELETE FROM engagement_follower WHERE engagement_id IN (\(endedChats))", arguments: [accountId, at])
            try db.execute(sql: "DELETE FROM engagement_route WHERE engagement_id IN (\(endedChats))", arguments: [accountId, at])
            try db.execute(sql: "DELETE FROM event WHERE session_id = '' AND engagement_id IN (\(endedChats))", arguments: [accountId, at])
            report.events += db.changesCount
            try db.execute(sql: "DELETE FROM queue_entry WHERE engagement_id IN (\(endedChats))", arguments: [accountId, at])
            try db.execute(sql: "DELETE FROM timer WHERE account_id = ? AND target IN (\(endedChats))", arguments: [accountId, accountId, at])
            try db.execute(
                sql: "DELETE FROM engagement WHERE account_id = ? AND ended_at IS NOT NULL AND ended_at < ?", arguments: [accountId, at])
            report.engagements = db.changesCount

            try db.execute(
                sql: """
                    DELETE FROM issued_token WHERE account_id = ? AND (expires_at < ? OR revoked_at < ?)
                    AND jti NOT IN (SELECT token_jti FROM chat_session WHERE account_id = ? AND state = 'active')
                    """,
                arguments: [accountId, at, at, accountId])
            report.tokens = db.changesCount
            try db.execute(sql: "DELETE FROM access_token WHERE account_id = ? AND expires_at < ?", arguments: [accountId, at])
            report.accessTokens = db.changesCount
            try db.execute(
                sql: """
                    DELETE FROM customer WHERE account_id = ? AND updated_at < ?
                    AND NOT EXISTS (SELECT 1 FROM chat_session s WHERE s.account_id = customer.account_id AND s.customer_id = customer.customer_id)
                    AND NOT EXISTS (SELECT 1 FROM engagement e WHERE e.account_id = customer.account_id AND e.customer_id = customer.customer_id)
                    AND NOT EXISTS (SELECT 1 FROM issued_token t WHERE t.account_id = customer.account_id AND t.customer_id = customer.customer_id)
                    """,
                arguments: [accountId, at])
            report.customers = db.changesCount
            return report
        }
    }

    /// Truncates the WAL after a pruning pass, so it does not keep its high-water mark (the pages
    /// pruned rows free are reused by later writes: the main file stops growing).
    public func reclaimSpace() throws {
        guard let pool = writer as? DatabasePool else { return }
        _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }
}
