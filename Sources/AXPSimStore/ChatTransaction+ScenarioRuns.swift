import AXPSimCore
import Foundation
import GRDB

/// Scenario runs inside a chat transaction: a run's new state commits with the chat writes of
/// the step that produced it (and with the timer it now waits on), or not at all.
extension ChatTransaction {
    static let scenarioRunColumns = """
        run_id, account_id, role, status, revision, scenario, integration, state, started_at, finished_at
        """

    static func scenarioRun(row: Row) -> StoredScenarioRun {
        StoredScenarioRun(
            runId: row["run_id"], accountId: row["account_id"], role: row["role"], status: row["status"], revision: row["revision"],
            scenario: row["scenario"], integration: row["integration"], state: row["state"], startedAt: row.date("started_at"),
            finishedAt: row.optionalDate("finished_at"))
    }

    /// Stores a new run with its progress lines.
    ///
    /// - Throws: ``AXPSimError/duplicate(resource:id:)`` when the id exists.
    public func insertScenarioRun(_ run: StoredScenarioRun) throws {
        try Store.mapDuplicate(resource: "scenario_run", id: run.runId) {
            try db.execute(
                sql: "INSERT INTO scenario_run (\(Self.scenarioRunColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    run.runId, run.accountId, run.role, run.status, run.revision, run.scenario, run.integration, run.state,
                    run.startedAt.millis, run.finishedAt?.millis,
                ])
        }
        try appendScenarioRunSteps(runId: run.runId, from: 0, run.steps)
    }

    /// Appends progress lines to a run, the first at `position` (the number of lines it had).
    ///
    /// - Throws: ``AXPSimError/duplicate(resource:id:)`` when a line is already at one of those
    ///   positions (a writer that read an older state).
    public func appendScenarioRunSteps(runId: String, from position: Int, _ steps: [StoredScenarioRunStep]) throws {
        for (offset, step) in steps.enumerated() {
            try Store.mapDuplicate(resource: "scenario_run_step", id: "\(runId)#\(position + offset)") {
                try db.cachedStatement(
                    sql: "INSERT INTO scenario_run_step (run_id, position, line, kind, status, at, detail) VALUES (?, ?, ?, ?, ?, ?, ?)").execute(
                    arguments: [runId, position + offset, step.line, step.kind, step.status, step.at.millis, step.detail])
            }
        }
    }

    static func scenarioRunStep(row: Row) -> StoredScenarioRunStep {
        StoredScenarioRunStep(line: row["line"], kind: row["kind"], status: row["status"], at: row.date("at"), detail: row["detail"])
    }

    /// Replaces a run's state, status and finish time, provided the stored row is still at
    /// `revision`; the row is then at `revision + 1`.
    ///
    /// - Throws: ``AXPSimError/conflict(code:detail:)`` `scenario_run_superseded` when the row is
    ///   gone (a reset) or at another revision (a snapshot restore, or another writer): the caller's
    ///   transaction must not commit.
    public func updateScenarioRun(runId: String, revision: Int64, status: String, state: String, finishedAt: Date?) throws {
        try db.cachedStatement(
            sql: "UPDATE scenario_run SET status = ?, state = ?, finished_at = ?, revision = revision + 1 WHERE run_id = ? AND revision = ?").execute(
            arguments: [status, state, finishedAt?.millis, runId, revision])
        guard db.changesCount == 1 else {
            throw AXPSimError.conflict(
                code: "scenario_run_superseded", detail: "The stored scenario run \(runId) is no longer at revision \(revision) (reset or restored)")
        }
    }

    /// A stored run by id with its progress lines, or nil.
    public func scenarioRun(_ runId: String) throws -> StoredScenarioRun? {
        guard var run = try Row.mapOne(db, sql: "SELECT \(Self.scenarioRunColumns) FROM scenario_run WHERE run_id = ?", arguments: [runId], Self.scenarioRun(row:))
        else { return nil }
        run.steps = try Row.mapAll(
            db.cachedStatement(sql: "SELECT line, kind, status, at, detail FROM scenario_run_step WHERE run_id = ? ORDER BY position"), arguments: [runId], Self.scenarioRunStep(row:))
        return run
    }
}
