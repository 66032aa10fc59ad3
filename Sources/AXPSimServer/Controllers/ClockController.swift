import AXPSimStore
import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import Foundation


/// Per-account clocks (SPEC section 5): read, switch mode, advance a virtual clock.
struct ClockController: Sendable {
    let store: Store
    let clocks: ClockService
    let scheduler: Scheduler
    let errors: ErrorResponder

    func addRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/accounts/{accountId}/clock", .control, "Read the account's clock",
            .json(200, Self.clockSchema)) { request in
            let account = try self.store.requireAccount(request)
            return .respond(self.clockResponse(try self.clocks.state(accountId: account.accountId), fired: nil))
        }
        table.add("PUT", "/__sim/accounts/{accountId}/clock", .control, "Set the account's clock: real, or virtual (frozen) at now",
            .json(200, Self.clockSchema).body(ControlRequests.clockChange)) {
            request in
            let account = try self.store.requireAccount(request)
            let change = try ControlRequests.clockChange(try request.jsonObject())
            let current = try self.clocks.state(accountId: account.accountId)
            let state: ClockState =
                change.mode == .virtual ? ClockState(mode: .virtual, virtualNow: change.now ?? current.now(wall: Date())) : .real
            try self.clockChanged(accountId: account.accountId, to: state)
            return .respond(self.clockResponse(state, fired: nil))
        }
        table.add("POST", "/__sim/accounts/{accountId}/clock/advance", .control, "Advance a virtual clock; returns once due work is stored",
            .json(200, Self.clockSchema).body(ControlRequests.clockAdvance)) {
            request in
            let account = try self.store.requireAccount(request)
            let seconds = try ControlRequests.clockAdvance(try request.jsonObject())
            let current = try self.clocks.state(accountId: account.accountId)
            guard current.mode == .virtual, let start = current.virtualNow else {
                throw AXPSimError.conflict(code: "clock_not_virtual", detail: "Only a virtual clock can be advanced; PUT the clock to virtual first")
            }
            // Settling may take a while (every timer and scenario step it causes): the request is
            // held without an HTTP worker thread meanwhile.
            return self.errors.later(request) {
                let fired = try self.scheduler.advance(accountId: account.accountId, to: start.addingTimeInterval(TimeInterval(seconds)))
                return self.clockResponse(try self.clocks.state(accountId: account.accountId), fired: fired)
            }
        }
    }

    /// The JSON shape of ``clockResponse(_:fired:)`` (`fired` after an advance only).
    static let clockSchema = JSONSchema.ref(
        "Clock", .object(["mode": .string(oneOf: ClockMode.allCases.map(\.rawValue)), "now": .timestamp, "fired": .integer()], required: ["mode", "now"]))

    func clockResponse(_ state: ClockState, fired: Int?) -> HTTPResponse {
        var body: [String: JSONValue] = ["mode": .string(state.mode.rawValue), "now": .date(state.now(wall: Date()))]
        if let fired { body["fired"] = .int(Int64(fired)) }
        return JSONResponses.json(200, JSONValue.object(body))
    }

    /// Applies a mode change or jump (the scheduler re-plans the account's timers).
    func clockChanged(accountId: String, to state: ClockState) throws {
        try clocks.set(accountId: accountId, state)
        scheduler.poke()
    }
}
