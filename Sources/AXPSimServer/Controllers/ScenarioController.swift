import AXPSimChat
import AXPSimFixtures
import AXPSimCore
import AXPSimHTTP
import AXPSimScenario
import AXPSimStore
import Foundation
import Synchronization

/// A recording of a live chat (`/__sim/recordings`).
struct Recording: Sendable {
    let id: String
    let engagementId: String
    let name: String
    let startedAt: Date
    var stoppedAt: Date?
    var file: String?
    var yaml: String?

    /// The JSON shape of ``json()``.
    static let schema = JSONSchema.ref(
        "Recording",
        .record([
            "recordingId": .string(), "engagementId": .string(), "name": .string(), "startedAt": .timestamp,
            "stoppedAt": JSONSchema.timestamp.nullable, "file": JSONSchema.string().nullable, "yaml": JSONSchema.string().nullable,
        ]))

    func json() -> JSONValue {
        .object([
            "recordingId": .string(id), "engagementId": .string(engagementId), "name": .string(name), "startedAt": .date(startedAt),
            "stoppedAt": stoppedAt.map(JSONValue.date) ?? .null, "file": .optional(file), "yaml": .optional(yaml),
        ])
    }
}


/// Recordings in progress or stopped, by id.
final class Recordings: Sendable {
    let all = Mutex<[String: Recording]>([:])
}

/// Scenarios (SPEC section 7): the library, runs and recordings.
struct ScenarioController: Sendable {
    let scenarios: ScenarioEngine
    let chat: ChatService
    let store: Store
    let clocks: ClockService
    let recordings: Recordings
    /// Where recordings are saved (`--scenarios`).
    let scenariosPath: String?

    func addRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/scenarios", .control, "The loaded scenarios (and the files that failed to load)",
            .json(200, Self.scenarioListSchema)) { _ in
            let list = self.scenarios.library.all.map { scenario -> JSONValue in
                .object([
                    "name": .string(scenario.name), "description": .optional(scenario.description), "integration": .optional(scenario.integration),
                    "file": .optional(scenario.file), "steps": .int(Int64(scenario.steps.count)), "headless": .bool(scenario.customer?.isEmpty == false),
                    "simulatedSeconds": .double(scenario.totalDelaySeconds),
                ])
            }
            let problems = self.scenarios.library.diagnostics.map { JSONValue.string($0.description) }
            return .respond(JSONResponses.json(200, JSONValue.object(["scenarios": .array(list), "problems": .array(problems)])))
        }
        table.add("POST", "/__sim/scenarios/{name}/run", .control, "Run a scenario on a chat (engagementId) or headless on an integration",
            RouteDoc.json(201, ScenarioRun.schema).optionalBody(ControlRequests.scenarioTarget)
                .link("GetRun", "GET", "/__sim/scenario-runs/{runId}", ["runId": "$response.body#/runId"])
                .link("CancelRun", "POST", "/__sim/scenario-runs/{runId}/cancel", ["runId": "$response.body#/runId"])) {
            request in
            let target = try ControlRequests.scenarioTarget(try request.optionalJSONObject())
            let (engagementId, integrationId) = (target.engagementId, target.integrationId)
            let name = request.parameter("name")
            guard let scenario = self.scenarios.library.scenario(named: name) else { throw AXPSimError.notFound(resource: "scenario", id: name) }
            let run: ScenarioRun
            if let engagementId {
                run = try self.scenarios.startAgent(scenario, engagementId: engagementId)
            } else {
                run = try self.scenarios.startHeadless(scenario, integration: try self.scenarioIntegration(scenario, integrationId: integrationId))
            }
            return .respond(JSONResponses.json(201, run.json()))
        }
        table.add("GET", "/__sim/scenario-runs", .control, "Every scenario run",
            .json(200, .record(["runs": .array(ScenarioRun.schema)]))) { _ in
            let runs = self.scenarios.allRuns.sorted { ($0.state.withLock { $0.startedAt }, $0.id) < ($1.state.withLock { $0.startedAt }, $1.id) }
            return .respond(JSONResponses.json(200, JSONValue.object(["runs": .array(runs.map { $0.json() })])))
        }
        table.add("GET", "/__sim/scenario-runs/{runId}", .control, "A run's step-by-step progress, failures and timings",
            .json(200, ScenarioRun.schema)) { request in
            guard let run = self.scenarios.run(request.parameter("runId")) else { throw AXPSimError.notFound(resource: "scenario_run", id: request.parameter("runId")) }
            return .respond(JSONResponses.json(200, run.json()))
        }
        table.add("POST", "/__sim/scenario-runs/{runId}/cancel", .control, "Stop a run", .json(200, ScenarioRun.schema)) { request in
            let id = request.parameter("runId")
            guard let run = self.scenarios.run(id) else { throw AXPSimError.notFound(resource: "scenario_run", id: id) }
            _ = self.scenarios.cancel(id)
            return .respond(JSONResponses.json(200, run.json()))
        }
        addRecordingRoutes(to: &table)
    }

    /// The JSON shape of the scenario list.
    static let scenarioListSchema = JSONSchema.ref(
        "ScenarioList",
        .record([
            "scenarios": .array(
                .record([
                    "name": .string(), "description": JSONSchema.string().nullable, "integration": JSONSchema.string().nullable,
                    "file": JSONSchema.string().nullable, "steps": .integer(), "headless": .boolean, "simulatedSeconds": .number,
                ])),
            "problems": .array(.string()),
        ]))

    /// The integration a headless run uses: the given id, else the scenario's, else the first.
    private func scenarioIntegration(_ scenario: Scenario, integrationId: String?) throws -> Integration {
        if let integrationId {
            guard let found = try store.integration(id: integrationId) else { throw AXPSimError.notFound(resource: "integration", id: integrationId) }
            return found
        }
        return try HeadlessRunner.findIntegration(scenario.integration, in: store)
    }

    private func addRecordingRoutes(to table: inout RouteTable) {
        table.add("POST", "/__sim/recordings", .control, "Start recording a live chat",
            RouteDoc.json(201, Recording.schema).body(ControlRequests.recordingStart)
                .link("GetRecording", "GET", "/__sim/recordings/{recordingId}", ["recordingId": "$response.body#/recordingId"])
                .link("StopRecording", "POST", "/__sim/recordings/{recordingId}/stop", ["recordingId": "$response.body#/recordingId"])) {
            request in
            let start = try ControlRequests.recordingStart(try request.jsonObject())
            let name = start.name
            let engagement = try self.store.chatRead { tx in try self.chat.requireEngagement(tx, start.engagementId) }
            let id = Identifiers.newUUID()
            let recording = Recording(
                id: id, engagementId: engagement.engagementId, name: name ?? "recorded-\(id.prefix(8))",
                startedAt: try self.clocks.now(accountId: engagement.accountId))
            self.recordings.all.withLock { $0[id] = recording }
            return .respond(JSONResponses.json(201, recording.json()))
        }
        table.add("GET", "/__sim/recordings/{recordingId}", .control, "A recording", .json(200, Recording.schema)) { request in
            .respond(JSONResponses.json(200, try self.recording(request.parameter("recordingId")).json()))
        }
        table.add(
            "POST", "/__sim/recordings/{recordingId}/stop", .control,
            "Stop: write the chat as a scenario file (and return its YAML); 409 when that file exists unless {\"overwrite\":true}",
            .json(200, Recording.schema).optionalBody(ControlRequests.recordingStop)
        ) { request in
            let overwrite = try ControlRequests.recordingStop(try request.optionalJSONObject())
            var recording = try self.recording(request.parameter("recordingId"))
            guard recording.stoppedAt == nil else { return .respond(JSONResponses.json(200, recording.json())) }
            var (events, engagement, origin) = try self.store.chatRead { tx -> ([SessionEvent], Engagement, ScenarioRecorder.Origin) in
                let engagement = try self.chat.requireEngagement(tx, recording.engagementId)
                return (
                    try tx.events(sessionId: engagement.createdBySession, after: 0, limit: 100_000), engagement, try Self.origin(tx, engagement)
                )
            }
            if let customer = try self.store.customer(accountId: engagement.accountId, customerId: engagement.customerId), customer.verified {
                origin.context.verified = true
                origin.context.customerIdentifiers = customer.customerIdentifiers ?? [:]
            }
            let integration = try self.store.integration(accountId: engagement.accountId, integrationId: engagement.integrationId)
            let timeline = ScenarioTimeline.entries(events, engagementId: engagement.engagementId, start: engagement.createdAt)
            let scenario = ScenarioRecorder.scenario(name: recording.name, integration: integration?.name, timeline: timeline, origin: origin)
            let yaml = ScenarioWriter.yaml(scenario)
            recording.stoppedAt = try self.clocks.now(accountId: engagement.accountId)
            recording.yaml = yaml
            if let directory = self.scenariosPath {
                let path = "\(directory)/\(recording.name).yaml"
                if !overwrite, FileManager.default.fileExists(atPath: path) {
                    throw AXPSimError.conflict(
                        code: "scenario_exists",
                        detail: "\(path) exists: stop again with {\"overwrite\":true} to replace it, or record under another name")
                }
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try Data(yaml.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                recording.file = path
            }
            var stored = scenario
            stored.file = recording.file
            self.scenarios.library.add(stored)
            let final = recording
            self.recordings.all.withLock { recordings in
                recordings[final.id] = final
                Self.pruneStoppedRecordings(&recordings)
            }
            return .respond(JSONResponses.json(200, final.json()))
        }
    }

    /// Most stopped recordings kept in memory (their files stay on disk); the oldest go first.
    static let stoppedRecordingsKept = 100

    private static func pruneStoppedRecordings(_ recordings: inout [String: Recording]) {
        let stopped = recordings.values.filter { $0.stoppedAt != nil }.sorted { ($0.stoppedAt ?? .distantPast) < ($1.stoppedAt ?? .distantPast) }
        for old in stopped.dropLast(stoppedRecordingsKept) { recordings[old.id] = nil }
    }

    private func recording(_ id: String) throws -> Recording {
        guard let recording = recordings.all.withLock({ $0[id] }) else { throw AXPSimError.notFound(resource: "recording", id: id) }
        return recording
    }

    /// How a recorded chat began: its context data (engagement and session parameters; the
    /// customer's verification is added by the caller), its route, and the queue agent who answered it.
    static func origin(_ tx: ChatTransaction, _ engagement: Engagement) throws -> ScenarioRecorder.Origin {
        var origin = ScenarioRecorder.Origin(
            parameters: engagement.engagementParameters,
            context: ChatStartContext(sessionParameters: try tx.session(engagement.createdBySession)?.sessionParameters ?? [:]),
            route: try tx.route(engagementId: engagement.engagementId))
        if let entry = try tx.queueEntry(engagementId: engagement.engagementId),
            let queue = try tx.queue(accountId: engagement.accountId, queueId: entry.queueId)
        {
            origin.staffedQueue = queue.isStaffed
            if let agent = queue.agents.first(where: { $0.agentId == entry.agentId }), entry.participantId != nil {
                origin.answeredBy = agent.displayName
                origin.greeting = queue.greeting(by: agent)
            }
        }
        return origin
    }
}
