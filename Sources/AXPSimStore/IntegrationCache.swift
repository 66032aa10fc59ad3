import AXPSimCore

/// The arguments of one integration lookup.
struct IntegrationKey: Hashable, Sendable {
    let accountId: String
    let integrationId: String
}

/// Integrations by account and id (nil for none), kept until an account or integration changes:
/// ``Store/integration(accountId:integrationId:)`` then answers without a read transaction and
/// without decoding the row's JSON columns again (every Generate JWT Token call looks its
/// integration up).
typealias IntegrationCache = CommittedRowsCache<IntegrationKey, Integration?>

extension IntegrationCache {
    /// An empty cache of integrations.
    static func integrations() -> IntegrationCache {
        IntegrationCache(tables: ["account", "integration"])
    }
}
