import AXPSimStore
import Synchronization
import AXPSimCore
import AXPSimScenario
import Foundation

/// The contact-center side's steps.
extension ScenarioEngine {
    /// Runs the next agent-side step; false when the run waits or ended.
    func stepAgent(_ run: ScenarioRun) -> Bool {
        let next = run.state.withLock { s -> ScenarioStepEntry? in
            while let top = s.frames.last, top.index >= top.steps.count { s.frames.removeLast() }
            guard let top = s.frames.last else { return nil }
            s.frames[s.frames.count - 1].index += 1
            return top.steps[top.index]
        }
        guard let entry = next else {
            finish(run, .passed, failure: nil)
            return false
        }
        // A chat that has ended ends its contact-center script: the remaining steps are moot.
        if chatEnded(run) {
            record(run, line: entry.line, kind: entry.step.kind, status: "skipped", detail: "the chat has ended")
            finish(run, .passed, failure: nil)
            return false
        }
        guard let engagementId = run.state.withLock({ $0.engagementId }) else {
            fail(run, line: entry.line, kind: entry.step.kind, "the run has no engagement")
            return false
        }
        return attempt(run, line: entry.line, kind: entry.step.kind) { try executeAgent(run, entry, engagementId: engagementId) }
    }

    private func executeAgent(_ run: ScenarioRun, _ entry: ScenarioStepEntry, engagementId: String) throws -> Bool {
        let chat = env.chat
        let kind = entry.step.kind
        func label(_ name: String?) throws -> String? {
            guard let name else { return nil }
            guard let id = run.state.withLock({ $0.labels[name] }) else {
                throw AXPSimError.conflict(code: "unknown_agent", detail: "no agent joined as \(name)")
            }
            return id
        }
        switch entry.step {
        case .after(let seconds):
            try pause(run, seconds: seconds, line: entry.line, kind: kind)
            return true
        case .queue(let position, let wait):
            try chat.queuePosition(engagementId, position: position, estimatedWaitSeconds: wait)
        case .agentJoin(let name, let label):
            let agent = try chat.participantJoin(engagementId, type: .agent, displayName: name)
            run.state.withLock { $0.labels[label ?? name ?? "agent"] = agent.participantId }
        case .agentSay(let text, let agent):
            _ = try chat.participantMessage(engagementId, text: text, participantId: try label(agent), types: [.agent, .supervisor])
        case .agentTyping(let agent):
            _ = try chat.participantTyping(engagementId, participantId: try label(agent))
        case .agentLeave(let agent):
            _ = try chat.participantLeave(engagementId, participantId: try label(agent))
        case .botSay(let text, let name):
            var bot = run.state.withLock { $0.botId }
            let present = try env.store.chatRead { tx in try tx.participants(engagementId).contains { $0.participantId == bot && $0.isPresent } }
            if bot == nil || !present {
                bot = try chat.participantJoin(engagementId, type: .bot, displayName: name ?? "Bot").participantId
                run.state.withLock { $0.botId = bot }
            }
            _ = try chat.participantMessage(engagementId, text: text, participantId: bot, types: [.bot])
        case .expectCustomer(let matcher, let within, let onTimeout):
            try expect(run, matcher, within: within, onTimeout: onTimeout, line: entry.line)
            return true
        case .chatEnd(let reason):
            _ = try chat.end(engagementId, reason: reason ?? "AGENT_CLOSED")
        case .tokenExpire:
            _ = try chat.expireTokens(following: engagementId)
        case .tokenRevoke:
            try chat.revokeTokens(following: engagementId)
        case .socketDrop:
            try chat.dropConnections(following: engagementId)
        case .sessionClose:
            for session in try chat.followingSessions(engagementId) { try chat.closeSession(session.sessionId, reason: "SYSTEM_CLOSED") }
        case .fault(let rule):
            env.faults.add(rule.fault)
        }
        record(run, line: entry.line, kind: kind)
        return true
    }
}

extension FaultRule {
    /// The control plane's rule for this step.
    package var fault: Fault {
        Fault(match: match, action: action, probability: probability, seed: UInt64(max(0, seed ?? 0)), count: count)
    }
}
