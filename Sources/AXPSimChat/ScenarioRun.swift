import AXPSimCore
import AXPSimScenario
import Foundation
import Synchronization

/// One execution of a scenario: the contact-center side on one engagement (`agent`), or the
/// customer side of a headless run (`customer`), which starts the chat and then an agent run on it.
///
/// A run is stored: one `scenario_run` row holds the scenario it executes, the integration it was
/// started for and its ``State`` (position, wait, cursor, labels, devices, progress, outcome). The
/// ``state`` in memory is a copy of the stored one, replaced only after a transaction that stored
/// the new state has committed (see ``ScenarioEngine``); its waits are persisted timers on the
/// account clock. After a restart the engine reads the runs back and they go on where they were.
package final class ScenarioRun: Sendable {
    package enum Role: String, Sendable, CaseIterable, Codable {
        case agent
        case customer
    }

    package enum Status: String, Sendable, CaseIterable, Codable {
        case running
        case passed
        case failed
        case cancelled
    }

    /// What a run is waiting for.
    package enum Wait: Sendable, Equatable, Codable {
        /// An `after` step: the `scenarioStep` timer that ends it.
        case timer(Int64)
        /// A customer (or, for the customer side, an agent/bot) message matching, until the deadline
        /// timer; `onTimeout` is the ``Frame/path`` of the steps to run if it passes (the position
        /// of the `expect.customer` step that has them).
        case message(TextMatcher, deadline: Int64?, onTimeout: [Int]?, line: Int)
    }

    /// One line of progress: a step that ran (or is waiting, or failed).
    package struct Progress: Sendable, Equatable, Codable {
        package var line: Int
        package var kind: String
        package var status: String
        package var at: Date
        package var detail: String?
    }

    /// A customer device of a headless run: its session and current chat JWT. The JWT is what the
    /// run keeps of the SDK caller: ``ScenarioEngine`` verifies it again (signature and audience)
    /// with the key ring whenever the device acts, so a stored run rebuilds its callers from it.
    package struct Device: Sendable, Equatable, Codable {
        package var sessionId: String
        package var jwt: String
    }

    /// One list of agent-side steps being executed and the index of the next one. The list is
    /// named by its place in the scenario, not copied (the stored state stays small whatever the
    /// scenario's length): see ``ScenarioRun/steps(at:)``.
    package struct Frame: Sendable, Equatable, Codable {
        /// Empty for the scenario's `steps`; else the position of the `expect.customer` whose
        /// `onTimeout` this is — its index in each enclosing list, outermost first.
        package var path: [Int]
        package var index: Int
    }

    /// Everything about a run that changes, stored as JSON in its row — but ``progress``, whose
    /// lines are stored apart as they are appended (`scenario_run_step`). Instants are kept to
    /// the millisecond, as the store keeps them, so a run reads back exactly as it was.
    package struct State: Sendable, Equatable, Codable {
        package var status = Status.running
        /// Agent side: the step lists being executed (a timed-out expectation's `onTimeout` on top).
        package var frames: [Frame] = []
        /// Customer side: the next step.
        var customerIndex = 0
        package var wait: Wait?
        /// Messages of the other side already consumed by an expectation (by messageIndex).
        package var cursor: Int64 = 0
        package var labels: [String: String] = [:]
        var botId: String?
        package var engagementId: String?
        package var devices: [String: Device] = [:]
        package var customerId: String
        package var progress: [Progress] = []
        package var failure: String?
        package var startedAt: Date
        var finishedAt: Date?
        /// The agent run a headless customer run started.
        package var childRunId: String?
        /// The stored row's revision this state was read at or written as (see
        /// `StoredScenarioRun.revision`).
        package var revision: Int64 = 0

        package init(customerId: String, startedAt: Date) {
            self.customerId = customerId
            self.startedAt = Timestamp.date(millis: Timestamp.millis(startedAt))
        }

        /// Every field but ``progress``.
        enum CodingKeys: String, CodingKey {
            case status, frames, customerIndex, wait, cursor, labels, botId, engagementId, devices, customerId, failure, startedAt
            case finishedAt, childRunId, revision
        }
    }

    package let id: String
    package let role: Role
    package let scenario: Scenario
    package let accountId: String
    package let integration: Integration
    package let state: Mutex<State>
    /// Held while one transition of the run is computed and committed, so two threads (a drain
    /// and a timer, or a cancel) never build new states from the same old one. Never taken inside
    /// a store transaction.
    package let stepping = NSLock()

    /// A new run (not stored yet).
    package convenience init(id: String, role: Role, scenario: Scenario, accountId: String, integration: Integration, engagementId: String?, customerId: String, startedAt: Date) {
        var initial = State(customerId: customerId, startedAt: startedAt)
        initial.engagementId = engagementId
        if role == .agent { initial.frames = [Frame(path: [], index: 0)] }
        self.init(id: id, role: role, scenario: scenario, accountId: accountId, integration: integration, state: initial)
    }

    /// A run with a given state (read back from the store).
    package init(id: String, role: Role, scenario: Scenario, accountId: String, integration: Integration, state: State) {
        self.id = id
        self.role = role
        self.scenario = scenario
        self.accountId = accountId
        self.integration = integration
        self.state = Mutex(state)
    }

    /// The agent-side step list at `path` (see ``Frame/path``); empty when the path names no
    /// `onTimeout`.
    package func steps(at path: [Int]) -> [ScenarioStepEntry] {
        var steps = scenario.steps
        for index in path {
            guard steps.indices.contains(index), case .expectCustomer(_, _, let onTimeout?) = steps[index].step else { return [] }
            steps = onTimeout
        }
        return steps
    }

    package var status: Status { state.withLock { $0.status } }
    package var isFinished: Bool { status != .running }

    /// The run as `GET /__sim/scenario-runs/{id}` shows it.
    /// The JSON shape of ``json()``.
    package static let schema = JSONSchema.ref(
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

    package func json() -> JSONValue {
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
