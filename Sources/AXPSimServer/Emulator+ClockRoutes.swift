import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import Foundation

/// Per-account clocks (SPEC section 5): read, switch mode, advance a virtual clock.
extension Emulator {
    func addClockRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/accounts/{accountId}/clock", .control, "Read the account's clock",
            .json(200, Self.clockSchema)) { [unowned self] request in
            let account = try self.requireAccount(request)
            return .respond(self.clockResponse(try self.clocks.state(accountId: account.accountId), fired: nil))
        }
        table.add("PUT", "/__sim/accounts/{accountId}/clock", .control, "Set the account's clock: real, or virtual (frozen) at now",
            .json(200, Self.clockSchema).body(ControlRequests.clockChange)) {
            [unowned self] request in
            let account = try self.requireAccount(request)
            let change = try ControlRequests.clockChange(try request.jsonObject())
            let current = try self.clocks.state(accountId: account.accountId)
            let state: ClockState =
                change.mode == .virtual ? ClockState(mode: .virtual, virtualNow: change.now ?? current.now(wall: Date())) : .real
            try self.clockChanged(accountId: account.accountId, to: state)
            return .respond(self.clockResponse(state, fired: nil))
        }
        table.add("POST", "/__sim/accounts/{accountId}/clock/advance", .control, "Advance a virtual clock; returns once due work is stored",
            .json(200, Self.clockSchema).body(ControlRequests.clockAdvance)) {
            [unowned self] request in
            let account = try self.requireAccount(request)
            let seconds = try ControlRequests.clockAdvance(try request.jsonObject())
            let current = try self.clocks.state(accountId: account.accountId)
            guard current.mode == .virtual, let start = current.virtualNow else {
                throw AXPSimError.conflict(code: "clock_not_virtual", detail: "Only a virtual clock can be advanced; PUT the clock to virtual first")
            }
            // Settling may take a while (every timer and scenario step it causes): the request is
            // held without an HTTP worker thread meanwhile.
            return self.answerLater(request) { [unowned self] in
                let fired = try self.scheduler.advance(accountId: account.accountId, to: start.addingTimeInterval(TimeInterval(seconds)))
                return self.clockResponse(try self.clocks.state(accountId: account.accountId), fired: fired)
            }
        }
    }

    /// The JSON shape of ``clockResponse(_:fired:)`` (`fired` after an advance only).
    static let clockSchema = JSONSchema.ref(
        "Clock", .object(["mode": .string(oneOf: ClockMode.allCases.map(\.rawValue)), "now": .timestamp, "fired": .integer()], required: ["mode", "now"]))

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
