import AXPSimCore
import Foundation
import GRDB

/// Per-account clocks.
extension Store {
    /// The account's clock; the real clock when none was set.
    public func clock(accountId: String) throws -> ClockState {
        try read { db in
            try Row.mapOne(db.cachedStatement(sql: "SELECT mode, virtual_now FROM clock WHERE account_id = ?"), arguments: [accountId]) {
                ClockState(mode: ClockMode(rawValue: $0[0]) ?? .real, virtualNow: ($0[1] as Int64?).map(Timestamp.date(millis:)))
            } ?? .real
        }
    }

    /// Persists the account's clock.
    public func setClock(accountId: String, _ state: ClockState) throws {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO clock (account_id, mode, virtual_now) VALUES (?, ?, ?)
                    ON CONFLICT (account_id) DO UPDATE SET mode = excluded.mode, virtual_now = excluded.virtual_now
                    """,
                arguments: [accountId, state.mode.rawValue, state.virtualNow.map(Timestamp.millis)])
        }
    }

    /// The account's clock, first setting it to `initial` when the account exists and has never
    /// stored one (one write transaction, so a concurrent ``setClock(accountId:_:)`` is never
    /// overwritten).
    public func clockInitializing(accountId: String, to initial: ClockState) throws -> ClockState {
        try write { db in
            if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT mode, virtual_now FROM clock WHERE account_id = ?"), arguments: [accountId]) {
                return ClockState(mode: ClockMode(rawValue: row[0]) ?? .real, virtualNow: (row[1] as Int64?).map(Timestamp.date(millis:)))
            }
            guard try Self.accountExists(accountId, db: db) else {
                return .real
            }
            try db.execute(
                sql: "INSERT INTO clock (account_id, mode, virtual_now) VALUES (?, ?, ?)",
                arguments: [accountId, initial.mode.rawValue, initial.virtualNow.map(Timestamp.millis)])
            return initial
        }
    }
}
