import Foundation

/// One scenario run as stored in the `scenario_run` table: what it runs and where it is. The
/// store keeps the JSON texts as given (the chat module encodes them); the columns beside them are
/// what the store itself filters on (account, status, finish time) and the revision that guards
/// each update.
public struct StoredScenarioRun: Sendable, Equatable {
    public var runId: String
    public var accountId: String
    /// `agent` or `customer`.
    public var role: String
    /// `running`, `passed`, `failed` or `cancelled`.
    public var status: String
    /// Bumped by every update: an update names the revision it read, so a writer holding an older
    /// state (a run restored from a snapshot meanwhile, or reset away) never overwrites a newer one.
    public var revision: Int64
    /// The scenario the run executes (JSON, written once).
    public var scenario: String
    /// The integration the run was started for (JSON, written once).
    public var integration: String
    /// The run's position, waits, labels and devices (JSON).
    public var state: String
    public var startedAt: Date
    /// Set once the run is over (any status but `running`).
    public var finishedAt: Date?
    /// Its progress, one line per step that ran (or waits, or failed), in order: rows of
    /// `scenario_run_step`, appended as they come rather than rewritten with the state.
    public var steps: [StoredScenarioRunStep]

    public init(
        runId: String, accountId: String, role: String, status: String, revision: Int64, scenario: String, integration: String,
        state: String, startedAt: Date, finishedAt: Date?, steps: [StoredScenarioRunStep] = []
    ) {
        self.runId = runId
        self.accountId = accountId
        self.role = role
        self.status = status
        self.revision = revision
        self.scenario = scenario
        self.integration = integration
        self.state = state
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.steps = steps
    }
}

/// One progress line of a stored scenario run.
public struct StoredScenarioRunStep: Sendable, Equatable {
    /// The step's line in its file (0: not a step, or built in code).
    public var line: Int
    public var kind: String
    /// `done`, `waiting`, `matched`, `timedOut`, `chatEnded`, `skipped` or `failed`.
    public var status: String
    /// When, on the account clock (kept to the millisecond).
    public var at: Date
    public var detail: String?

    public init(line: Int, kind: String, status: String, at: Date, detail: String?) {
        self.line = line
        self.kind = kind
        self.status = status
        self.at = at
        self.detail = detail
    }
}
