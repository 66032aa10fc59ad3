import AXPSimChat
import AXPSimCore
import AXPSimServer
import AXPSimTesting
import Foundation
import Testing

/// Timers on the account clock: due order, an advance that returns settled, and timers that
/// survive a restart.
@Suite struct SchedulerTests {
    static let start = Date(timeIntervalSince1970: 1_893_484_800)  // 2030-01-01T09:00:00Z

    @Test func tokenTimersFireInOrderAndAnAdvanceReturnsSettled() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        let tenant = try await sim.control.provisionTenant()
        try await sim.control.freezeClock(tenant.accountId, at: Self.start)
        let ann = try await sim.customer(tenant, id: "ann")  // 15 minutes, reminder 180 s before
        try await ann.startSession()
        #expect(try await sim.control.advance(tenant.accountId, seconds: 719) == 0)
        #expect(try await sim.control.advance(tenant.accountId, seconds: 1) == 1)
        let reminder = try await sim.control.journal(tenant.accountId).events.map(\.objectValue)
        #expect(reminder.last?["eventType"]?.stringValue == "TOKEN_EXPIRY_REMINDER", "stored before the advance returned")
        #expect(try await sim.control.advance(tenant.accountId, seconds: 180) == 1)
        let types = try await sim.control.journal(tenant.accountId).events.compactMap { $0.objectValue["eventType"]?.stringValue }
        #expect(Array(types.suffix(2)) == ["TOKEN_EXPIRY_REMINDER", "TOKEN_EXPIRED"])
        let refused = try await ann.call("GET", "/sessions/\(ann.sessionId)")
        #expect(refused.status == 401 && refused.problemCode == "token_expired")
        #expect(try await sim.control.now(tenant.accountId) == Self.start.addingTimeInterval(900))
    }

    @Test func timersSurviveARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("axpsim-scheduler-\(UUID().uuidString)")
        defer { _ = try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("state.sqlite").path
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let tenant: TestTenant
        do {
            let first = try TestEmulator { $0.databasePath = database }
            tenant = try await first.control.provisionTenant()
            try await first.control.freezeClock(tenant.accountId, at: Self.start)
            let ann = try await first.customer(tenant, id: "ann")
            try await ann.startSession()
            first.stop()
        }
        let second = try TestEmulator { $0.databasePath = database }
        defer { second.stop() }
        #expect(try await second.control.now(tenant.accountId) == Self.start, "the virtual clock is persisted")
        #expect(try await second.control.advance(tenant.accountId, seconds: 900) == 2, "reminder and expiry survived the restart")
    }
}
