import AXPSimCore
import AXPSimHTTP
import Foundation

/// Per-account clocks (SPEC section 5): read, switch mode, advance a virtual clock.
extension Emulator {
    func addClockRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/accounts/{accountId}/clock", .control, "Read the account's clock") { [unowned self] request in
            let account = try self.requireAccount(request)
            return .respond(self.clockResponse(try self.clocks.state(accountId: account.accountId), fired: nil))
        }
        table.add("PUT", "/__sim/accounts/{accountId}/clock", .control, "Set the account's clock: real, or virtual (frozen) at now") {
            [unowned self] request in
            let account = try self.requireAccount(request)
            var reader = FieldReader(try request.jsonObject())
            reader.rejectUnknown(allowed: ["mode", "now"])
            let modeText = reader.string("mode", required: true)
            let mode = modeText.flatMap(ClockMode.init(rawValue:))
            if modeText != nil, mode == nil { reader.fail("mode", "must be real or virtual", .invalidValue) }
            let nowText = reader.string("now")
            let now = nowText.flatMap(Timestamp.parse)
            if nowText != nil, now == nil { reader.fail("now", "must be an RFC 3339 timestamp", .patternMismatch) }
            if mode == .real, nowText != nil { reader.fail("now", "only a virtual clock can be set to an instant", .invalidValue) }
            try reader.check()
            let current = try self.clocks.state(accountId: account.accountId)
            let state: ClockState =
                mode == .virtual ? ClockState(mode: .virtual, virtualNow: now ?? current.now(wall: Date())) : .real
            try self.clockChanged(accountId: account.accountId, to: state)
            return .respond(self.clockResponse(state, fired: nil))
        }
        table.add("POST", "/__sim/accounts/{accountId}/clock/advance", .control, "Advance a virtual clock; returns once due work is stored") {
            [unowned self] request in
            let account = try self.requireAccount(request)
            var reader = FieldReader(try request.jsonObject())
            reader.rejectUnknown(allowed: ["seconds"])
            let seconds = reader.int("seconds", required: true, range: 0...(366 * 86_400))
            try reader.check()
            let current = try self.clocks.state(accountId: account.accountId)
            guard current.mode == .virtual, let start = current.virtualNow, let seconds else {
                throw AXPSimError.conflict(code: "clock_not_virtual", detail: "Only a virtual clock can be advanced; PUT the clock to virtual first")
            }
            let fired = try self.scheduler.advance(accountId: account.accountId, to: start.addingTimeInterval(TimeInterval(seconds)))
            return .respond(self.clockResponse(try self.clocks.state(accountId: account.accountId), fired: fired))
        }
    }

    func clockResponse(_ state: ClockState, fired: Int?) -> HTTPResponse {
        var body: [String: Any] = ["mode": state.mode.rawValue, "now": Timestamp.format(state.now(wall: Date()))]
        if let fired { body["fired"] = fired }
        return JSONResponses.object(200, body)
    }

    /// Applies a mode change or jump (the scheduler re-plans the account's timers).
    func clockChanged(accountId: String, to state: ClockState) throws {
        try clocks.set(accountId: accountId, state)
        scheduler.poke()
    }
}
