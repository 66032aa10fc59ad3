import AXPSimCore
import Foundation
import Testing

/// The account the store's cache tests provision: one client, one app key, one integration.
enum StoreFixtures {
    static let integrationId = "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01"
    static let demo = ProvisionedAccount(
        account: Account(accountId: "DEMOAA", name: "Demo"),
        clients: [APIClient(accountId: "DEMOAA", clientId: "c", clientSecret: "s")],
        appKeys: [AppKey(accountId: "DEMOAA", appKey: "k")],
        integrations: [Integration(integrationId: integrationId, accountId: "DEMOAA", name: "support")])

    /// A database path in a folder of its own, removed after `body`.
    static func withTemporaryPath<T>(_ name: String, _ body: (String) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("axpsim-\(name)-\(UUID().uuidString)")
        defer {
            do { try FileManager.default.removeItem(at: folder) } catch { Issue.record(error) }
        }
        return try body(folder.appendingPathComponent("state.sqlite").path)
    }
}
