import AXPSimCore
import AXPSimStore
import Foundation
import Testing

/// The real-clock scheduler's view of the timer table: only due timers of real-clock accounts,
/// however many virtual-clock timers come earlier (issue 7, item 6).
@Suite struct TimerSelectionTests {
    static func account(_ id: String) -> ProvisionedAccount {
        ProvisionedAccount(account: Account(accountId: id, name: id), clients: [], appKeys: [], integrations: [])
    }

    @Test func virtualClockTimersNeverHideRealClockTimers() throws {
        let store = try Store(path: ":memory:")
        try store.loadFixtures([Self.account("VIRTAA"), Self.account("REALAA"), Self.account("DEFLAA")], now: Date())
        let past = Date(timeIntervalSince1970: 1_577_836_800)  // 2020-01-01
        try store.setClock(accountId: "VIRTAA", ClockState(mode: .virtual, virtualNow: past))
        try store.setClock(accountId: "REALAA", .real)
        let now = Date()
        try store.chatWrite { tx in
            for index in 0..<600 {
                _ = try tx.insertTimer(
                    ScheduledTimer(accountId: "VIRTAA", dueAt: past.addingTimeInterval(Double(index)), kind: .tokenExpired, target: "v\(index)"))
            }
            _ = try tx.insertTimer(ScheduledTimer(accountId: "REALAA", dueAt: now.addingTimeInterval(-1), kind: .tokenExpired, target: "due"))
            _ = try tx.insertTimer(ScheduledTimer(accountId: "REALAA", dueAt: now.addingTimeInterval(30), kind: .tokenExpired, target: "later"))
            _ = try tx.insertTimer(ScheduledTimer(accountId: "DEFLAA", dueAt: now.addingTimeInterval(-2), kind: .tokenExpired, target: "default"))
        }
        let realDefault = try store.chatRead { try $0.dueRealClockTimers(now: now, defaultReal: true, limit: 500) }
        #expect(realDefault.map(\.target) == ["default", "due"])
        let virtualDefault = try store.chatRead { try $0.dueRealClockTimers(now: now, defaultReal: false, limit: 500) }
        #expect(virtualDefault.map(\.target) == ["due"], "an account without a stored clock follows the default mode")
        let next = try store.chatRead { try $0.nextRealClockTimerDue(defaultReal: false) }
        #expect(next.map { abs($0.timeIntervalSince(now.addingTimeInterval(-1))) < 0.01 } == true)
    }
}
