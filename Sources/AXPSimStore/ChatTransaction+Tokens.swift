import AXPSimCore
import Foundation
import GRDB

/// Chat JWT records inside a chat transaction, so that a token minted or revoked by a scenario
/// step commits together with the step's other writes and the run's new position.
extension ChatTransaction {
    /// Records a minted chat JWT and upserts its customer (as ``Store/recordIssuedToken(_:customer:now:)``).
    public func recordIssuedToken(_ token: IssuedToken, customer: Customer, now: Date) throws {
        try Store.recordIssuedToken(token, customer: customer, now: now, db: db)
    }

    /// Marks a token revoked (as ``Store/revokeToken(jti:at:)``); false when unknown.
    @discardableResult
    public func revokeIssuedToken(jti: String, at date: Date) throws -> Bool {
        try Store.revokeToken(jti: jti, at: date, db: db)
    }
}
