import AXPSimAuth
import AXPSimCore
import AXPSimScenario
import AXPSimStore
import Foundation
import Synchronization

/// The customer side's steps (headless runs): what a Chat SDK client would do, in-process, each
/// inside the transition that stores the run's next position (see ``ScenarioEngine``).
extension ScenarioEngine {
    /// Runs the next customer-side step; false when the run waits or ended.
    package func stepCustomer(_ tx: ChatTransaction, _ outcome: Outcome, _ run: ScenarioRun, _ state: inout ScenarioRun.State, at: Date) throws
        -> Bool
    {
        let steps = run.scenario.customer ?? []
        guard state.customerIndex < steps.count else {
            try finish(tx, &state, .passed, failure: nil, at: at)
            return false
        }
        let entry = steps[state.customerIndex]
        state.customerIndex += 1
        return try attempt(line: entry.line, kind: entry.step.kind) { try executeCustomer(tx, outcome, run, &state, entry, at: at) }
    }

    private func executeCustomer(
        _ tx: ChatTransaction, _ outcome: Outcome, _ run: ScenarioRun, _ state: inout ScenarioRun.State, _ entry: CustomerStepEntry, at now: Date
    ) throws -> Bool {
        let chat = env.chat
        let emission = outcome.emission
        let kind = entry.step.kind
        let engagementId = state.engagementId
        let devices = state.devices
        func device(_ name: String?) throws -> ScenarioRun.Device {
            let name = name ?? run.scenario.primaryDevice
            guard let device = devices[name] else {
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
        case .chatStart(let name, let parameters, _):
            let (jwt, caller) = try newCaller(tx, run, state, at: now)
            let sessionId = try openSession(tx, emission, caller, run: run, at: now)
            let engagement = try chat.createEngagement(
                tx, emission, caller, SDKRequests.CreateEngagement(sessionId: sessionId, engagementParameters: parameters), at: now
            ).engagement
            state.engagementId = engagement.engagementId
            state.devices[name ?? CustomerStep.defaultDevice] = ScenarioRun.Device(sessionId: sessionId, jwt: jwt)
            // The agent side starts in the same commit as the chat (so the chat's observers, told
            // after it, see that the chat already has its run).
            let agent = ScenarioRun(
                id: Identifiers.newUUID(), role: .agent, scenario: run.scenario, accountId: run.accountId, integration: run.integration,
                engagementId: engagement.engagementId, customerId: engagement.customerId, startedAt: now)
            outcome.started.append(agent)
            state.childRunId = agent.id
            detail = engagement.engagementId
        case .join(let name):
            let (jwt, caller) = try newCaller(tx, run, state, at: now)
            let sessionId = try openSession(tx, emission, caller, run: run, at: now)
            _ = try chat.join(tx, emission, caller, try openChat(), SDKRequests.DialogAction(sessionId: sessionId, dialogId: nil, reason: nil), at: now)
            state.devices[name] = ScenarioRun.Device(sessionId: sessionId, jwt: jwt)
        case .after(let seconds):
            try pause(tx, outcome, run, &state, seconds: seconds, line: entry.line, kind: kind, at: now)
            return true
        case .say(let text, let name):
            let device = try device(name)
            let body = ChatMessage.textBody(text)
            _ = try chat.sendMessage(
                tx, emission, try caller(run, device), try openChat(),
                SDKRequests.SendMessage(sessionId: device.sessionId, dialogId: nil, parentMessageId: nil, body: body, text: text), at: now)
        case .tokenRefresh(let name):
            let key = name ?? run.scenario.primaryDevice
            let current = try device(name)
            let (jwt, caller) = try newCaller(tx, run, state, at: now)
            try chat.adoptToken(tx, emission, caller, sessionId: current.sessionId, at: now)
            state.devices[key]?.jwt = jwt
        case .reconnect(let name):
            // In-process there is no socket: check that the session's log resumes without a gap.
            let sessionId = try device(name).sessionId
            let events = try tx.events(sessionId: sessionId, after: 0, limit: 100_000)
            guard events.map(\.seq) == Array(1...Int64(max(events.count, 1))).prefix(events.count).map({ $0 }) else {
                throw AXPSimError.conflict(code: "event_gap", detail: "the session's event log has a gap")
            }
            detail = "resumed after event \(events.last?.eventId ?? "0")"
        case .disconnect(let name):
            let device = try device(name)
            _ = try chat.disconnect(
                tx, emission, try caller(run, device), try openChat(),
                SDKRequests.DialogAction(sessionId: device.sessionId, dialogId: nil, reason: "USER_CLOSED"), at: now)
        case .expectAgent(let matcher, let within):
            try expect(tx, outcome, run, &state, matcher, within: within, onTimeout: nil, line: entry.line, at: now)
            return true
        }
        record(&state, line: entry.line, kind: kind, detail: detail, at: now)
        return true
    }

    /// The customer context the scenario's `chat.start` gives (session parameters, verification).
    private func context(_ run: ScenarioRun) -> ChatStartContext {
        for entry in run.scenario.customer ?? [] {
            if case .chatStart(_, _, let context) = entry.step { return context }
        }
        return ChatStartContext()
    }

    /// A new session of the run's customer (a device), as the SDK's init makes one.
    private func openSession(_ tx: ChatTransaction, _ emission: ChatService.Emission, _ caller: SDKCaller, run: ScenarioRun, at now: Date) throws
        -> String
    {
        let request = SDKRequests.CreateSession(displayName: nil, clientType: "scenario", sessionParameters: context(run).sessionParameters)
        return try env.chat.createSession(tx, emission, caller, request, at: now).session.sessionId
    }

    /// A fresh chat JWT of the run's customer, recorded in the transition and verified as an SDK
    /// call would be; with the caller it stands for.
    private func newCaller(_ tx: ChatTransaction, _ run: ScenarioRun, _ state: ScenarioRun.State, at now: Date) throws -> (String, SDKCaller) {
        let context = context(run)
        let request = TokenRequest(
            integrationId: run.integration.integrationId, customerId: state.customerId, verifiedCustomer: context.verified,
            customerName: "Scenario Customer", customerIdentifiers: context.verified ? context.customerIdentifiers : nil)
        let issuer = env.issuer.value.withLock { $0 }
        let jwt = try env.tokens.mint(tx, accountId: run.accountId, request: request, issuer: issuer, at: now).jwtToken
        let claims = try env.keys.verify(jwt, now: now)
        return (jwt, SDKCaller(claims: claims, integration: run.integration))
    }

    /// The SDK caller a device stands for: its stored JWT, verified again with the key ring
    /// (signature and audience; it may have expired since, as a `token.expire` step makes it).
    private func caller(_ run: ScenarioRun, _ device: ScenarioRun.Device) throws -> SDKCaller {
        SDKCaller(claims: try env.keys.verifyIgnoringTime(device.jwt), integration: run.integration)
    }
}
