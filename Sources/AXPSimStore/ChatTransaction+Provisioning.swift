import AXPSimCore
import Foundation
import GRDB

/// Provisioning read inside a chat transaction.
extension ChatTransaction {
    /// One integration of the account (nil for unknown ids and ids of other accounts), as
    /// ``Store/integration(accountId:integrationId:)`` answers it.
    public func integration(accountId: String, integrationId: String) throws -> Integration? {
        try Store.integration(accountId: accountId, integrationId: integrationId, db: db)
    }
}
