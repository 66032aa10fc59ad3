import AXPSimCore
import AXPSimScenario
import AXPSimStore
import Foundation
import Synchronization

/// A run as a `scenario_run` row: the scenario, the integration and the state as JSON (the store
/// keeps the texts; this side encodes and decodes them).
extension ScenarioRun {
    /// The row of a new run, at its current state.
    ///
    /// - Throws: ``AXPSimError/internalError(_:)`` when a part cannot be encoded.
    package func stored() throws -> StoredScenarioRun {
        let current = state.withLock { $0 }
        return StoredScenarioRun(
            runId: id, accountId: accountId, role: role.rawValue, status: current.status.rawValue, revision: current.revision,
            scenario: try Self.encode(scenario, "scenario"), integration: try Self.encode(integration, "integration"),
            state: try Self.encode(current, "state"), startedAt: current.startedAt, finishedAt: current.finishedAt,
            steps: current.progress.map(\.stored))
    }

    /// A run read back from its row; its state is at the row's revision.
    ///
    /// - Throws: ``AXPSimError/internalError(_:)`` when the row does not decode (written by an
    ///   incompatible version, or damaged).
    package convenience init(stored row: StoredScenarioRun) throws {
        guard let role = Role(rawValue: row.role) else {
            throw AXPSimError.internalError("scenario run \(row.runId): unknown role \(row.role)")
        }
        var state = try Self.decode(State.self, row.state, "state of run \(row.runId)")
        state.revision = row.revision
        state.progress = row.steps.map { Progress(line: $0.line, kind: $0.kind, status: $0.status, at: $0.at, detail: $0.detail) }
        self.init(
            id: row.runId, role: role, scenario: try Self.decode(Scenario.self, row.scenario, "scenario of run \(row.runId)"),
            accountId: row.accountId, integration: try Self.decode(Integration.self, row.integration, "integration of run \(row.runId)"),
            state: state)
    }

    /// The JSON of a state, for the row's `state` column (its progress is stored apart).
    static func encodedState(_ state: State) throws -> String {
        try encode(state, "state")
    }

    private static func encode<T: Encodable>(_ value: T, _ what: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Whole milliseconds, as every instant in the store.
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.millis(date))
        }
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw AXPSimError.internalError("cannot encode a scenario run's \(what): \(error)")
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ text: String, _ what: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            Timestamp.date(millis: try decoder.singleValueContainer().decode(Int64.self))
        }
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw AXPSimError.internalError("cannot decode the \(what): \(error)")
        }
    }
}

extension ScenarioRun.Progress {
    /// The line as a `scenario_run_step` row holds it.
    var stored: StoredScenarioRunStep {
        StoredScenarioRunStep(line: line, kind: kind, status: status, at: at, detail: detail)
    }
}
