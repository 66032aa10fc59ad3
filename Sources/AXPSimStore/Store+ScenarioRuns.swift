import AXPSimCore
import Foundation
import GRDB

/// Scenario runs outside a chat transaction: loading them at start-up and after a reset or a
/// snapshot restore, and retention.
extension Store {
    /// Every stored run with its progress lines, in the order they started.
    public func scenarioRuns() throws -> [StoredScenarioRun] {
        try read { db in
            var runs = try Row.mapAll(db, sql: "SELECT \(ChatTransaction.scenarioRunColumns) FROM scenario_run ORDER BY started_at, run_id", ChatTransaction.scenarioRun(row:))
            var steps: [String: [StoredScenarioRunStep]] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT run_id, line, kind, status, at, detail FROM scenario_run_step ORDER BY run_id, position")
            while let row = try rows.next() { steps[row["run_id"], default: []].append(ChatTransaction.scenarioRunStep(row: row)) }
            for index in runs.indices { runs[index].steps = steps[runs[index].runId] ?? [] }
            return runs
        }
    }

    /// Deletes finished runs beyond the `keeping` most recently finished (across accounts, as the
    /// engine keeps them in memory); running runs are never touched. Returns the ids that went.
    @discardableResult
    public func pruneFinishedScenarioRuns(keeping: Int) throws -> [String] {
        try write { db in
            try String.fetchAll(
                db,
                sql: """
                    DELETE FROM scenario_run WHERE run_id IN (
                      SELECT run_id FROM scenario_run WHERE finished_at IS NOT NULL
                      ORDER BY finished_at DESC, run_id DESC LIMIT -1 OFFSET ?)
                    RETURNING run_id
                    """,
                arguments: [max(0, keeping)])
        }
    }
}
