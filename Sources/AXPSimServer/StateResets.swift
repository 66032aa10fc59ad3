import AXPSimAuth
import AXPSimChat
import AXPSimCore
import AXPSimFixtures
import AXPSimStore
import Foundation

/// Everything a reset does besides the store: clocks re-read, the journal cleared, held polls
/// and sockets of the reset accounts let go, keys reloaded after a restore, the scheduler
/// re-planned. Shared by the reset, account and snapshot routes.
struct StateResets: Sendable {
    let store: Store
    let clocks: ClockService
    let keys: KeyRing
    /// Its secret comes back from a restored snapshot too.
    let urlSigner: URLSigner
    let journal: RequestJournal
    let hub: EventHub
    let scheduler: Scheduler
    /// Scenario runs are rows of the accounts' data: after a reset the engine reads them back.
    let scenarios: ScenarioEngine
    /// The fixture accounts, restored by resets.
    let fixtures: [ProvisionedAccount]

    /// Back to the loaded fixtures.
    func resetAll() throws {
        // A reset never races the first signing key into the database.
        try keys.waitForStoredFirstKey()
        try store.replaceAll(with: fixtures, now: Date())
        clocks.invalidate()
        journal.clear()
        hub.dropAccount(nil, response: JSONResponses.problem(.sessionNotFound))
        // The runs went with their accounts' rows: memory follows the store.
        try scenarios.reload()
        scheduler.poke()
    }

    /// One account back to its fixture (or empty); returns whether it has a fixture.
    func resetAccount(_ accountId: String) throws -> Bool {
        let fixture = fixtures.first { $0.account.accountId == accountId }
        try store.resetAccount(accountId, to: fixture, now: Date())
        clocks.invalidate(accountId: accountId)
        hub.dropAccount(accountId, response: JSONResponses.problem(.sessionNotFound))
        // The account's runs went with its rows; other accounts' runs are read back unchanged.
        try scenarios.reload()
        scheduler.poke()
        return fixture != nil
    }

    /// An account and everything it owns, gone.
    func deleteAccount(_ accountId: String) throws {
        try store.deleteAccount(accountId)
        clocks.invalidate(accountId: accountId)
        hub.dropAccount(accountId, response: JSONResponses.problem(.sessionNotFound))
        // Its runs went with its rows.
        try scenarios.reload()
    }

    /// The whole state saved as snapshot `name`, with the first signing key in it (waited for
    /// when it is still being made).
    func saveSnapshot(_ name: String) throws {
        try keys.waitForStoredFirstKey()
        try store.saveSnapshot(name)
    }

    /// The whole state replaced by a snapshot; false when there is no such snapshot. A first
    /// signing key still being made is waited for first, so it cannot land in the restored
    /// database beside the snapshot's own keys.
    func restoreSnapshot(_ name: String) throws -> Bool {
        try keys.waitForStoredFirstKey()
        guard Store.isValidSnapshotName(name), try store.restoreSnapshot(name) else { return false }
        try keys.replace(with: try Emulator.storedKeys(store: store))
        // The same secret unless the snapshot came from another database (then its URLs work).
        urlSigner.replace(secret: try Emulator.urlSigningSecret(store: store))
        clocks.invalidate()
        hub.dropAccount(nil, response: JSONResponses.problem(.sessionNotFound))
        // The snapshot holds the runs as they were (rows and timers): they go on from there.
        try scenarios.reload()
        scheduler.poke()
        return true
    }
}
