import AXPSimCore
import AXPSimScenario
import AXPSimStore
import Foundation

/// The contact-center side's steps, each run inside the transition that stores the run's next
/// position (see ``ScenarioEngine``).
extension ScenarioEngine {
    /// Runs the next agent-side step; false when the run waits or ended.
    package func stepAgent(_ tx: ChatTransaction, _ outcome: Outcome, _ run: ScenarioRun, _ state: inout ScenarioRun.State, at: Date) throws -> Bool {
        while let top = state.frames.last, top.index >= run.steps(at: top.path).count { state.frames.removeLast() }
        guard let top = state.frames.last else {
            try finish(tx, &state, .passed, failure: nil, at: at)
            return false
        }
        state.frames[state.frames.count - 1].index += 1
        let entry = run.steps(at: top.path)[top.index]
        // A chat that has ended ends its contact-center script: the remaining steps are moot.
        if try chatEnded(tx, state) {
            record(&state, line: entry.line, kind: entry.step.kind, status: "skipped", detail: "the chat has ended", at: at)
            try finish(tx, &state, .passed, failure: nil, at: at)
            return false
        }
        guard let engagementId = state.engagementId else {
            throw StepFailure(line: entry.line, kind: entry.step.kind, detail: "the run has no engagement")
        }
        return try attempt(line: entry.line, kind: entry.step.kind) {
            try executeAgent(tx, outcome, run, &state, entry, position: top.path + [top.index], engagementId: engagementId, at: at)
        }
    }

    private func executeAgent(
        _ tx: ChatTransaction, _ outcome: Outcome, _ run: ScenarioRun, _ state: inout ScenarioRun.State, _ entry: ScenarioStepEntry,
        position: [Int], engagementId: String, at now: Date
    ) throws -> Bool {
        let chat = env.chat
        let emission = outcome.emission
        let kind = entry.step.kind
        let labels = state.labels
        func label(_ name: String?) throws -> String? {
            guard let name else { return nil }
            guard let id = labels[name] else {
                throw AXPSimError.conflict(code: "unknown_agent", detail: "no agent joined as \(name)")
            }
            return id
        }
        switch entry.step {
        case .after(let seconds):
            try pause(tx, outcome, run, &state, seconds: seconds, line: entry.line, kind: kind, at: now)
            return true
        case .queue(let position, let wait):
            try chat.queuePosition(tx, emission, engagementId, position: position, estimatedWaitSeconds: wait, at: now)
        case .agentJoin(let name, let label):
            let agent = try chat.participantJoin(tx, emission, engagementId, type: .agent, displayName: name, at: now)
            state.labels[label ?? name ?? "agent"] = agent.participantId
        case .agentSay(let text, let agent, let stored):
            let body = stored.map(MessageBody.init(stored:)) ?? .text(text)
            _ = try chat.participantMessage(
                tx, emission, engagementId, body: body, participantId: try label(agent), types: [.agent, .supervisor], at: now)
        case .agentTyping(let agent):
            _ = try chat.participantTyping(tx, emission, engagementId, participantId: try label(agent), at: now)
        case .agentLeave(let agent):
            _ = try chat.participantLeave(tx, emission, engagementId, participantId: try label(agent), at: now)
        case .botSay(let text, let name):
            var bot = state.botId
            let present = try tx.participants(engagementId).contains { $0.participantId == bot && $0.isPresent }
            if bot == nil || !present {
                bot = try chat.participantJoin(tx, emission, engagementId, type: .bot, displayName: name ?? "Bot", at: now).participantId
                state.botId = bot
            }
            _ = try chat.participantMessage(tx, emission, engagementId, text: text, participantId: bot, types: [.bot], at: now)
        case .expectCustomer(let matcher, let within, let onTimeout):
            try expect(tx, outcome, run, &state, matcher, within: within, onTimeout: onTimeout == nil ? nil : position, line: entry.line, at: now)
            return true
        case .chatEnd(let reason):
            _ = try chat.end(tx, emission, engagementId, reason: reason ?? "AGENT_CLOSED", at: now)
        case .tokenExpire:
            _ = try chat.expireTokens(tx, emission, following: engagementId, at: now)
        case .tokenRevoke:
            try chat.revokeTokens(tx, emission, following: engagementId, at: now)
        case .socketDrop:
            try chat.dropConnections(tx, emission, following: engagementId)
        case .sessionClose:
            for session in try chat.followingSessions(tx, engagementId) {
                try chat.closeSession(tx, emission, session.sessionId, reason: "SYSTEM_CLOSED", at: now)
            }
        case .fault(let rule):
            outcome.faults.append(rule.fault)
        case .expectRouted(let queue, let rule, let attributes):
            try checkRoute(tx, engagementId, queue: queue, rule: rule, attributes: attributes, line: entry.line)
        }
        record(&state, line: entry.line, kind: kind, at: now)
        return true
    }
}

extension ScenarioEngine {
    /// `expect.routed`: the chat's route has each value given; a readable failure otherwise.
    private func checkRoute(
        _ tx: ChatTransaction, _ engagementId: String, queue: String?, rule: String?, attributes: [String: String]?, line: Int
    ) throws {
        let route = try tx.route(engagementId: engagementId)
        var misses: [String] = []
        if let queue, route?.queue != queue { misses.append("queue \(queue)") }
        if let rule, route?.rule != rule { misses.append("rule \(rule)") }
        if let attributes, !attributes.allSatisfy({ route?.routingAttributes[$0.key] == $0.value }) {
            misses.append("routingAttributes \(Self.describe(attributes))")
        }
        guard !misses.isEmpty else { return }
        let actual = route.map {
            "queue \($0.queue ?? "(none)"), rule \($0.rule ?? "(the integration's defaults)"), routingAttributes \(Self.describe($0.routingAttributes))"
        }
        throw StepFailure(
            line: line, kind: "expect.routed", detail: "expected \(misses.joined(separator: ", ")); the chat was routed to \(actual ?? "nothing (no route)")")
    }

    private static func describe(_ attributes: [String: String]) -> String {
        "{" + attributes.keys.sorted().map { "\($0): \(attributes[$0] ?? "")" }.joined(separator: ", ") + "}"
    }
}

extension FaultRule {
    /// The control plane's rule for this step.
    package var fault: Fault {
        Fault(match: match, action: action, probability: probability, seed: UInt64(max(0, seed ?? 0)), count: count)
    }
}
