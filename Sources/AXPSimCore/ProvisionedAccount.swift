import Foundation

/// An account with everything its administrator provisioned: the unit fixtures describe and
/// resets restore.
public struct ProvisionedAccount: Sendable, Equatable {
    public var account: Account
    public var clients: [APIClient]
    public var appKeys: [AppKey]
    public var integrations: [Integration]

    public init(account: Account, clients: [APIClient] = [], appKeys: [AppKey] = [], integrations: [Integration] = []) {
        self.account = account
        self.clients = clients
        self.appKeys = appKeys
        self.integrations = integrations
    }
}
