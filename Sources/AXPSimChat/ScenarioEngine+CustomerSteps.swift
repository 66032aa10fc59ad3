import AXPSimAuth
import AXPSimCore
import AXPSimScenario
import AXPSimStore
import Foundation
import Synchronization

/// The customer side's steps (headless runs): what a Chat SDK client would do, in-process.
extension ScenarioEngine {
    /// Runs the next customer-side step; false when the run waits or ended.
    func stepCustomer(_ run: ScenarioRun) -> Bool {
        let next = run.state.withLock { s -> CustomerStepEntry? in
            let steps = run.scenario.customer ?? []
            guard s.customerIndex < steps.count else { return nil }
            s.customerIndex += 1
            return steps[s.customerIndex - 1]
        }
        guard let entry = next else {
            finish(run, .passed, failure: nil)
            return false
        }
        return attempt(run, line: entry.line, kind: entry.step.kind) { try executeCustomer(run, entry) }
    }

    private func executeCustomer(_ run: ScenarioRun, _ entry: CustomerStepEntry) throws -> Bool {
        let chat = env.chat
        let kind = entry.step.kind
        let engagementId = run.state.withLock { $0.engagementId }
        func device(_ name: String?) throws -> ScenarioRun.Device {
            let name = name ?? run.scenario.primaryDevice
            guard let device = run.state.withLock({ $0.devices[name] }) else {
                throw AXPSimError.conflict(code: "unknown_device", detail: "device \(name) has not started or joined the chat")
            }
            return device
        }
        func openChat() throws -> String {
            guard let engagementId else { throw AXPSimError.conflict(code: "no_chat", detail: "chat.start must come first") }
            return engagementId
        }
        var detail: String?
        switch entry.step {
        case .chatStart(let name, let parameters):
            let caller = try newCaller(run)
            let sessionId = try openSession(caller)
            headlessSessions.withLock { _ = $0.insert(sessionId) }
            defer { headlessSessions.withLock { _ = $0.remove(sessionId) } }
            let engagement = try chat.createEngagement(
                caller, SDKRequests.CreateEngagement(sessionId: sessionId, engagementParameters: parameters)).engagement
            run.state.withLock { s in
                s.engagementId = engagement.engagementId
                s.devices[name ?? CustomerStep.defaultDevice] = ScenarioRun.Device(sessionId: sessionId, caller: caller)
            }
            let agent = try startAgent(run.scenario, engagementId: engagement.engagementId)
            run.state.withLock { $0.childRunId = agent.id }
            detail = engagement.engagementId
        case .join(let name):
            let caller = try newCaller(run)
            let sessionId = try openSession(caller)
            _ = try chat.join(caller, try openChat(), SDKRequests.DialogAction(sessionId: sessionId, dialogId: nil, reason: nil))
            run.state.withLock { $0.devices[name] = ScenarioRun.Device(sessionId: sessionId, caller: caller) }
        case .after(let seconds):
            try pause(run, seconds: seconds, line: entry.line, kind: kind)
            return true
        case .say(let text, let name):
            let device = try device(name)
            let body = ChatMessage.textBody(text)
            _ = try chat.sendMessage(
                device.caller, try openChat(),
                SDKRequests.SendMessage(sessionId: device.sessionId, dialogId: nil, parentMessageId: nil, body: body, text: text))
        case .tokenRefresh(let name):
            let key = name ?? run.scenario.primaryDevice
            let current = try device(name)
            let caller = try newCaller(run)
            try chat.adoptToken(caller, sessionId: current.sessionId)
            run.state.withLock { $0.devices[key]?.caller = caller }
        case .reconnect(let name):
            // In-process there is no socket: check that the session's log resumes without a gap.
            let sessionId = try device(name).sessionId
            let events = try env.store.chatRead { try $0.events(sessionId: sessionId, after: 0, limit: 100_000) }
            guard events.map(\.seq) == Array(1...Int64(max(events.count, 1))).prefix(events.count).map({ $0 }) else {
                throw AXPSimError.conflict(code: "event_gap", detail: "the session's event log has a gap")
            }
            detail = "resumed after event \(events.last?.eventId ?? "0")"
        case .disconnect(let name):
            let device = try device(name)
            _ = try chat.disconnect(device.caller, try openChat(), SDKRequests.DialogAction(sessionId: device.sessionId, dialogId: nil, reason: "USER_CLOSED"))
        case .expectAgent(let matcher, let within):
            try expect(run, matcher, within: within, onTimeout: nil, line: entry.line)
            return true
        }
        record(run, line: entry.line, kind: kind, detail: detail)
        return true
    }

    /// A new session of the run's customer (a device), as the SDK's init makes one.
    private func openSession(_ caller: SDKCaller) throws -> String {
        let session = try env.chat.createSession(caller, SDKRequests.CreateSession(displayName: nil, clientType: "scenario", sessionParameters: [:]))
        return session.session.sessionId
    }

    /// A fresh chat JWT of the run's customer, verified as an SDK call would be.
    private func newCaller(_ run: ScenarioRun) throws -> SDKCaller {
        let request = TokenRequest(integrationId: run.integration.integrationId, customerId: run.state.withLock { $0.customerId }, customerName: "Scenario Customer")
        let jwt = try env.tokens.mint(accountId: run.accountId, request: request, issuer: env.issuer.value.withLock { $0 }).jwtToken
        let claims = try env.keys.verify(jwt, now: now(run))
        return SDKCaller(claims: claims, integration: run.integration)
    }
}
