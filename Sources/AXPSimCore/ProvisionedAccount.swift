import Foundation

/// An account with everything its administrator provisioned: the unit fixtures describe and
/// resets restore.
public struct ProvisionedAccount: Sendable, Equatable {
    public var account: Account
    public var clients: [APIClient]
    public var appKeys: [AppKey]
    public var integrations: [Integration]
    /// Routing queues with their agents (SPEC section 10).
    public var queues: [RoutingQueue]

    public init(
        account: Account, clients: [APIClient] = [], appKeys: [AppKey] = [], integrations: [Integration] = [], queues: [RoutingQueue] = []
    ) {
        self.queues = queues
        self.account = account
        self.clients = clients
        self.appKeys = appKeys
        self.integrations = integrations
    }
}
