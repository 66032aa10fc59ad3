import AXPSimCore
import AXPSimFixtures

/// The second pass of ``ScenarioParser``: walks the steps in order and reports what cannot work when
/// they run — agents named before they join or after they left, steps after the chat ended, a customer
/// side that does not begin with `chat.start`, devices that never started or joined the chat.
struct ScenarioChecker {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    /// The contact-center side's state at a step.
    struct AgentState {
        /// Every agent that joined so far, by join order: its join line and, once it left, the line.
        var joined: [(line: Int, leftLine: Int?)] = []
        /// The agent (index into `joined`) a label names; a later join with the same label takes it.
        var labels: [String: Int] = [:]
        /// The agents in the chat, most recent last.
        var present: [Int] = []
        /// Where `chat.end` ended the chat.
        var endedLine: Int?
    }

    mutating func check(_ scenario: Scenario) {
        var state = AgentState()
        checkSteps(scenario.steps, state: &state)
        if let customer = scenario.customer { checkCustomer(customer, primary: scenario.primaryDevice) }
    }

    private mutating func report(_ line: Int, _ column: Int, _ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(file: file, line: line, column: column, message: message, hint: hint))
    }

    /// Steps that need the chat to be going.
    private static let needsOpenChat: Set<String> = [
        "queue", "agent.join", "agent.say", "agent.typing", "agent.leave", "bot.say", "expect.customer", "chat.end",
    ]

    private mutating func checkSteps(_ steps: [ScenarioStepEntry], state: inout AgentState) {
        for entry in steps {
            let kind = entry.step.kind
            if let ended = state.endedLine, Self.needsOpenChat.contains(kind) {
                report(
                    entry.line, entry.column, "\(kind) after the chat ended (chat.end at line \(ended))",
                    hint: "move it before chat.end, or remove it")
                continue
            }
            switch entry.step {
            case .agentJoin(_, let explicitLabel):
                if let explicitLabel, let agent = state.labels[explicitLabel], state.present.contains(agent) {
                    report(
                        entry.line, entry.column,
                        "agent label '\(explicitLabel)' is already used by the agent that joined at line \(state.joined[agent].line)",
                        hint: "give this agent another 'as:' label")
                }
                let agent = state.joined.count
                state.joined.append((entry.line, nil))
                if let label = entry.step.definedAgentLabel { state.labels[label] = agent }
                state.present.append(agent)
            case .agentSay, .agentTyping, .agentLeave:
                guard let agent = resolveAgent(entry, state: state) else { continue }
                if case .agentLeave = entry.step {
                    state.present.removeAll { $0 == agent }
                    state.joined[agent].leftLine = entry.line
                }
            case .expectCustomer(_, _, let onTimeout):
                if let onTimeout {
                    var branch = state
                    checkSteps(onTimeout, state: &branch)
                }
            case .chatEnd:
                state.endedLine = entry.line
            case .expectRouted(let queue, _, _) where queue != nil:
                // The agent a staffed queue gives the chat joins by itself: agent steps without
                // `agent:` may act for it (behind any agent the script joins later).
                state.joined.append((entry.line, nil))
                state.present.insert(state.joined.count - 1, at: 0)
            case .after, .queue, .botSay, .tokenExpire, .tokenRevoke, .socketDrop, .sessionClose, .fault, .expectRouted:
                continue
            }
        }
    }

    /// The agent an `agent.say|typing|leave` acts for, or nil (reported) when there is none.
    private mutating func resolveAgent(_ entry: ScenarioStepEntry, state: AgentState) -> Int? {
        let kind = entry.step.kind
        guard let label = entry.step.agentReference else {
            guard let agent = state.present.last else {
                let left = state.joined.compactMap(\.leftLine).max().map { " (the last one left at line \($0))" } ?? ""
                report(entry.line, entry.column, "\(kind) but no agent is in the chat here\(left)", hint: "add an agent.join before this step")
                return nil
            }
            return agent
        }
        guard let agent = state.labels[label] else {
            let known = state.labels.keys.sorted()
            let hint =
                known.isEmpty
                ? "define it first with agent.join: {name: …, as: \(label)}"
                : (ScenarioReader.nearest(label, among: known).map { "did you mean '\($0)'? " } ?? "")
                    + "agents so far: \(known.joined(separator: ", "))"
            report(entry.line, entry.column, "\(kind) names agent '\(label)', which has not joined before this step", hint: hint)
            return nil
        }
        guard state.present.contains(agent) else {
            report(
                entry.line, entry.column, "\(kind) names agent '\(label)', which left at line \(state.joined[agent].leftLine ?? 0)",
                hint: "join it again first, or name an agent still in the chat")
            return nil
        }
        return agent
    }

    private mutating func checkCustomer(_ steps: [CustomerStepEntry], primary: String) {
        var devices: [String: Int] = [:]
        var startedLine: Int?
        var endedLine: Int?
        if let first = steps.first, first.step.kind != "chat.start" {
            report(
                first.line, first.column, "the customer side must begin with chat.start, not \(first.step.kind)",
                hint: "add '- chat.start: {}' as the first customer step")
            devices[primary] = 0
        }
        for entry in steps {
            let kind = entry.step.kind
            if let ended = endedLine {
                if case .after = entry.step { continue }
                report(
                    entry.line, entry.column, "\(kind) after the customer ended the chat (disconnect at line \(ended))",
                    hint: "move it before the disconnect, or remove it")
                continue
            }
            switch entry.step {
            case .chatStart(let device, _, _):
                if let startedLine {
                    report(
                        entry.line, entry.column, "the chat was already started at line \(startedLine)",
                        hint: "another device joins with '- join: {device: …}'")
                    continue
                }
                startedLine = entry.line
                devices[device ?? CustomerStep.defaultDevice] = entry.line
            case .join(let device):
                if let line = devices[device] {
                    let since = line > 0 ? " since line \(line)" : ""
                    report(entry.line, entry.column, "device '\(device)' is already in the chat\(since)", hint: "name the new device differently")
                    continue
                }
                devices[device] = entry.line
            case .say(_, let device), .tokenRefresh(let device), .reconnect(let device), .disconnect(let device):
                let name = device ?? primary
                if devices[name] == nil {
                    let hint =
                        device == nil
                        ? "start the chat with chat.start first"
                        : (ScenarioReader.nearest(name, among: devices.keys.sorted()).map { "did you mean '\($0)'? or " } ?? "")
                            + "add '- join: {device: \(name)}' before this step"
                    report(entry.line, entry.column, "\(kind) on device '\(name)', which has not started or joined the chat", hint: hint)
                    continue
                }
                if case .disconnect = entry.step { endedLine = entry.line }
            case .after, .expectAgent:
                continue
            }
        }
    }
}
