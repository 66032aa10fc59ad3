import AXPSimCore
import AXPSimScenario
import Foundation
import Synchronization

/// One execution of a scenario: the contact-center side on one engagement (`agent`), or the
/// customer side of a headless run (`customer`), which starts the chat and then an agent run on it.
/// Its state is in memory; its waits are persisted timers on the account clock.
final class ScenarioRun: Sendable {
    enum Role: String, Sendable, CaseIterable {
        case agent
        case customer
    }

    enum Status: String, Sendable, CaseIterable {
        case running
        case passed
        case failed
        case cancelled
    }

    /// What a run is waiting for.
    enum Wait: Sendable {
        case timer(Int64)
        /// A customer (or, for the customer side, an agent/bot) message matching, until the deadline timer.
        case message(TextMatcher, deadline: Int64?, onTimeout: [ScenarioStepEntry]?, line: Int)
    }

    /// One line of progress: a step that ran (or is waiting, or failed).
    struct Progress: Sendable {
        var line: Int
        var kind: String
        var status: String
        var at: Date
        var detail: String?
    }

    /// A customer device of a headless run: its session and current token.
    struct Device: Sendable {
        var sessionId: String
        var caller: SDKCaller
    }

    struct State: Sendable {
        var status = Status.running
        /// Agent side: the step lists being executed (a timed-out expectation's `onTimeout` on top).
        var frames: [(steps: [ScenarioStepEntry], index: Int)] = []
        /// Customer side: the next step.
        var customerIndex = 0
        var wait: Wait?
        /// Messages of the other side already consumed by an expectation (by messageIndex).
        var cursor: Int64 = 0
        var labels: [String: String] = [:]
        var botId: String?
        var engagementId: String?
        var devices: [String: Device] = [:]
        var customerId: String
        var progress: [Progress] = []
        var failure: String?
        var startedAt: Date
        var finishedAt: Date?
        /// The agent run a headless customer run started.
        var childRunId: String?
    }

    let id: String
    let role: Role
    let scenario: Scenario
    let accountId: String
    let integration: Integration
    let state: Mutex<State>

    init(id: String, role: Role, scenario: Scenario, accountId: String, integration: Integration, engagementId: String?, customerId: String, startedAt: Date) {
        self.id = id
        self.role = role
        self.scenario = scenario
        self.accountId = accountId
        self.integration = integration
        var initial = State(customerId: customerId, startedAt: startedAt)
        initial.engagementId = engagementId
        if role == .agent { initial.frames = [(scenario.steps, 0)] }
        state = Mutex(initial)
    }

    var status: Status { state.withLock { $0.status } }
    var isFinished: Bool { status != .running }

    /// The run as `GET /__sim/scenario-runs/{id}` shows it.
    /// The JSON shape of ``json()``.
    static let schema = JSONSchema.ref(
        "ScenarioRun",
        JSONSchema.record([
            "runId": .string(), "scenario": .string(), "role": .string(oneOf: Role.allCases.map(\.rawValue)),
            "status": .string(oneOf: Status.allCases.map(\.rawValue)), "accountId": .string(), "integrationId": .string(),
            "engagementId": JSONSchema.string().nullable, "startedAt": .timestamp, "finishedAt": JSONSchema.timestamp.nullable,
            "failure": JSONSchema.string().nullable, "childRunId": JSONSchema.string().nullable,
            "steps": .array(
                .record([
                    "line": .integer(), "kind": .string(), "status": .string(), "at": .timestamp, "elapsedSeconds": .number,
                    "detail": JSONSchema.string().nullable,
                ])),
        ]).adding(["file": .string()]))

    func json() -> JSONValue {
        state.withLock { s in
            var object: [String: JSONValue] = [
                "runId": .string(id), "scenario": .string(scenario.name), "role": .string(role.rawValue), "status": .string(s.status.rawValue),
                "accountId": .string(accountId), "integrationId": .string(integration.integrationId),
                "engagementId": .optional(s.engagementId), "startedAt": .date(s.startedAt),
                "finishedAt": s.finishedAt.map(JSONValue.date) ?? .null, "failure": .optional(s.failure),
                "childRunId": .optional(s.childRunId),
                "steps": .array(
                    s.progress.map { p in
                        .object([
                            "line": .int(Int64(p.line)), "kind": .string(p.kind), "status": .string(p.status), "at": .date(p.at),
                            "elapsedSeconds": .double((p.at.timeIntervalSince(s.startedAt) * 1000).rounded() / 1000),
                            "detail": .optional(p.detail),
                        ])
                    }),
            ]
            if let file = scenario.file { object["file"] = .string(file) }
            return .object(object)
        }
    }
}
