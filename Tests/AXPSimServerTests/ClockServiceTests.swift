@testable import AXPSimServer
import AXPSimChat
import AXPSimCore
import AXPSimStore
import Foundation
import Testing

/// The per-account clock cache under concurrency (issue 7, item 7): a cache miss that read the
/// store before a concurrent `set` must never put the older state back.
@Suite struct ClockServiceTests {
    @Test func aConcurrentSetIsNeverOverwrittenByAnOlderRead() throws {
        let store = try Store(path: ":memory:")
        try store.loadFixtures([ProvisionedAccount(account: Account(accountId: "CLOCKA", name: "c"), clients: [], appKeys: [], integrations: [])], now: Date())
        let clocks = ClockService(store: store, defaultMode: .real)
        let frozen = ClockState(mode: .virtual, virtualNow: Date(timeIntervalSince1970: 1_900_000_000))
        for _ in 0..<300 {
            try clocks.set(accountId: "CLOCKA", .real)
            clocks.invalidate(accountId: "CLOCKA")
            let group = DispatchGroup()
            DispatchQueue.global().async(group: group) {
                do { _ = try clocks.state(accountId: "CLOCKA") } catch { Issue.record(error) }
            }
            DispatchQueue.global().async(group: group) {
                do { try clocks.set(accountId: "CLOCKA", frozen) } catch { Issue.record(error) }
            }
            group.wait()
            #expect(try clocks.state(accountId: "CLOCKA") == frozen)
            #expect(try store.clock(accountId: "CLOCKA") == frozen)
        }
    }

    @Test func theDefaultVirtualModeIsStoredOnceAndNeverOverwritesASetClock() throws {
        let store = try Store(path: ":memory:")
        try store.loadFixtures([ProvisionedAccount(account: Account(accountId: "CLOCKB", name: "c"), clients: [], appKeys: [], integrations: [])], now: Date())
        let chosen = ClockState(mode: .virtual, virtualNow: Date(timeIntervalSince1970: 1_800_000_000))
        try store.setClock(accountId: "CLOCKB", chosen)
        let clocks = ClockService(store: store, defaultMode: .virtual)
        #expect(try clocks.state(accountId: "CLOCKB") == chosen)
        #expect(try clocks.state(accountId: "NOSUCH").mode == .real, "no clock row is made for an unknown account")
    }
}
