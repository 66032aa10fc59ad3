import AXPSimChat
import AXPSimCore
import AXPSimServer
import AXPSimTesting
import Foundation
import Testing

/// Timers on the account clock: due order, an advance that returns settled, and timers that
/// survive a restart.
@Suite struct SchedulerTests {
    static let start = Date(timeIntervalSince1970: 1_893_484_800)  // 2030-01-01T08:00:00Z

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

    /// Timers of different kinds and sessions fire in due order, each at its own instant: the
    /// clock is moved to a timer's due time before it fires, whatever the advance's length.
    @Test func oneLongAdvanceFiresEveryTimerAtItsOwnInstant() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        let tenant = try await sim.control.provisionTenant()
        try await sim.control.updateIntegration(tenant, ["idleTimeoutSeconds": .int(400)])
        try await sim.control.freezeClock(tenant.accountId, at: Self.start)
        let short = try await sim.customer(tenant, id: "short", ttlSeconds: 300)
        let long = try await sim.customer(tenant, id: "long", ttlSeconds: 900)
        try await short.startSession()
        try await long.startSession()
        _ = try await long.startChat()
        #expect(try await sim.control.advance(tenant.accountId, seconds: 3600) == 5)
        let events = try await sim.control.journal(tenant.accountId).events.map(\.objectValue)
        let fired = events.filter { ["TOKEN_EXPIRY_REMINDER", "TOKEN_EXPIRED", "PARTICIPANT_DISCONNECTED"].contains($0["eventType"]?.stringValue) }
        let timeline = fired.compactMap { event -> String? in
            guard let type = event["eventType"]?.stringValue, let at = event["event"]?.objectValue["eventDate"]?.stringValue else { return nil }
            return "\(type)@\(at)"
        }
        #expect(
            timeline == [
                "TOKEN_EXPIRY_REMINDER@2030-01-01T08:02:00.000Z", "TOKEN_EXPIRED@2030-01-01T08:05:00.000Z",
                "PARTICIPANT_DISCONNECTED@2030-01-01T08:06:40.000Z", "TOKEN_EXPIRY_REMINDER@2030-01-01T08:12:00.000Z",
                "TOKEN_EXPIRED@2030-01-01T08:15:00.000Z",
            ], "\(timeline)")
        #expect(try await sim.control.now(tenant.accountId) == Self.start.addingTimeInterval(3600))
    }
}
