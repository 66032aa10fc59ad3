import AXPSimChat
import AXPSimCore
import Foundation

/// The control plane (`/__sim`): provisioning, clocks, agents, scenarios, faults, the journal.
public struct ControlClient: Sendable {
    let emulator: TestEmulator

    init(_ emulator: TestEmulator) {
        self.emulator = emulator
    }

    // MARK: Provisioning

    /// A new, isolated account with one OAuth client, one app key and one integration: what a
    /// test needs so that nothing it does touches other tests.
    public func provisionTenant(name: String = "test", integration: [String: JSONValue] = [:]) async throws -> TestTenant {
        let account = try await emulator.expect(201, "POST", "/__sim/accounts", json: .object(["name": .string(name)])).object()
        guard let accountId = account["accountId"]?.stringValue else { throw AXPSimTestError.unexpectedBody(path: "accounts", detail: "no accountId") }
        let client = try await emulator.expect(201, "POST", "/__sim/accounts/\(accountId)/clients", json: .object([:])).object()
        let appKey = try await emulator.expect(201, "POST", "/__sim/accounts/\(accountId)/appkeys", json: .object([:])).object()
        var integrationBody = integration
        if integrationBody["name"] == nil { integrationBody["name"] = .string("support") }
        let created = try await emulator.expect(201, "POST", "/__sim/accounts/\(accountId)/integrations", json: .object(integrationBody)).object()
        guard let clientId = client["clientId"]?.stringValue, let secret = client["clientSecret"]?.stringValue,
            let key = appKey["appKey"]?.stringValue, let integrationId = created["integrationId"]?.stringValue
        else { throw AXPSimTestError.unexpectedBody(path: "provisioning", detail: "missing ids") }
        return TestTenant(accountId: accountId, clientId: clientId, clientSecret: secret, appKey: key, integrationId: integrationId)
    }

    /// Changes an integration (`PATCH`), e.g. to attach a scenario.
    public func updateIntegration(_ tenant: TestTenant, _ fields: [String: JSONValue]) async throws {
        try await emulator.expect(200, "PATCH", "/__sim/accounts/\(tenant.accountId)/integrations/\(tenant.integrationId)", json: .object(fields))
    }

    /// Resets everything to the fixtures.
    public func reset() async throws {
        try await emulator.expect(200, "POST", "/__sim/reset")
    }

    // MARK: Clock

    /// Switches the account to a virtual clock frozen at `now` (or at the current instant).
    public func freezeClock(_ accountId: String, at now: Date? = nil) async throws {
        var body: [String: JSONValue] = ["mode": .string("virtual")]
        if let now { body["now"] = .date(now) }
        try await emulator.expect(200, "PUT", "/__sim/accounts/\(accountId)/clock", json: .object(body))
    }

    /// Advances a virtual clock; returns how many timers fired. It returns once all they caused is stored.
    @discardableResult
    public func advance(_ accountId: String, seconds: Double) async throws -> Int {
        let answer = try await emulator.expect(200, "POST", "/__sim/accounts/\(accountId)/clock/advance", json: .object(["seconds": .double(seconds)]))
        guard case .int(let fired)? = try answer.object()["fired"] else { throw AXPSimTestError.unexpectedBody(path: "advance", detail: "no fired") }
        return Int(fired)
    }

    /// The account clock's current instant.
    public func now(_ accountId: String) async throws -> Date {
        let answer = try await emulator.expect(200, "GET", "/__sim/accounts/\(accountId)/clock").object()
        guard let text = answer["now"]?.stringValue, let date = Timestamp.parse(text) else {
            throw AXPSimTestError.unexpectedBody(path: "clock", detail: "no now")
        }
        return date
    }

    // MARK: Agents

    /// An agent (or `participantType` BOT/SUPERVISOR) joins the chat; returns its participant id.
    @discardableResult
    public func agentJoins(_ engagementId: String, name: String = "Agent", participantType: String? = nil) async throws -> String {
        var body: [String: JSONValue] = ["displayName": .string(name)]
        if let participantType { body["participantType"] = .string(participantType) }
        let answer = try await emulator.expect(201, "POST", "/__sim/engagements/\(engagementId)/agent/join", json: .object(body)).object()
        guard let id = answer["participantId"]?.stringValue else { throw AXPSimTestError.unexpectedBody(path: "agent/join", detail: "no participantId") }
        return id
    }

    /// The latest agent sends `text`.
    public func agentSays(_ engagementId: String, _ text: String) async throws {
        try await emulator.expect(201, "POST", "/__sim/engagements/\(engagementId)/agent/message", json: .object(["text": .string(text)]))
    }

    /// Ends the chat from the contact center.
    public func endChat(_ engagementId: String) async throws {
        try await emulator.expect(200, "POST", "/__sim/engagements/\(engagementId)/end", json: .object([:]))
    }

    /// The chat as the control plane shows it.
    public func engagement(_ engagementId: String) async throws -> [String: JSONValue] {
        try await emulator.expect(200, "GET", "/__sim/engagements/\(engagementId)").object()
    }

    // MARK: Routing

    /// A queue with its waiting chats and its agents' load (`GET …/queues/{q}`).
    public func queue(_ accountId: String, _ queueId: String) async throws -> [String: JSONValue] {
        try await emulator.expect(200, "GET", "/__sim/accounts/\(accountId)/queues/\(queueId)").object()
    }

    /// Makes a queue's agent `available` or `away`.
    public func setAgentState(_ accountId: String, queue queueId: String, agent agentId: String, _ state: String) async throws {
        try await emulator.expect(
            200, "POST", "/__sim/accounts/\(accountId)/queues/\(queueId)/agents/\(agentId)/state", json: .object(["state": .string(state)]))
    }

    // MARK: Faults, scenarios, journal

    /// Replaces every fault rule.
    public func setFaults(_ rules: [JSONValue]) async throws {
        try await emulator.expect(200, "PUT", "/__sim/faults", json: .object(["rules": .array(rules)]))
    }

    /// Runs a loaded scenario on a chat; returns the run id.
    public func runScenario(_ name: String, engagementId: String) async throws -> String {
        let answer = try await emulator.expect(
            201, "POST", "/__sim/scenarios/\(name)/run", json: .object(["engagementId": .string(engagementId)])).object()
        guard let id = answer["runId"]?.stringValue else { throw AXPSimTestError.unexpectedBody(path: "run", detail: "no runId") }
        return id
    }

    /// Runs a loaded scenario headless (its customer side starts the chat) on an integration (by
    /// default the scenario's, else the first); returns the run id of the customer side.
    public func runHeadless(_ name: String, integrationId: String? = nil) async throws -> String {
        var body: [String: JSONValue] = [:]
        if let integrationId { body["integrationId"] = .string(integrationId) }
        let answer = try await emulator.expect(201, "POST", "/__sim/scenarios/\(name)/run", json: .object(body)).object()
        guard let id = answer["runId"]?.stringValue else { throw AXPSimTestError.unexpectedBody(path: "run", detail: "no runId") }
        return id
    }

    /// A scenario run's state.
    public func scenarioRun(_ runId: String) async throws -> [String: JSONValue] {
        try await emulator.expect(200, "GET", "/__sim/scenario-runs/\(runId)").object()
    }

    /// Every scenario run the emulator keeps, in the order they started.
    public func scenarioRuns() async throws -> [[String: JSONValue]] {
        let answer = try await emulator.expect(200, "GET", "/__sim/scenario-runs").object()
        guard case .array(let runs)? = answer["runs"] else { throw AXPSimTestError.unexpectedBody(path: "scenario-runs", detail: "no runs") }
        return runs.map(\.objectValue)
    }

    /// The account's journal events after `sinceId`, waiting up to `wait` seconds for one.
    public func journal(_ accountId: String, since sinceId: Int64 = 0, wait: Int = 0) async throws -> (events: [JSONValue], lastId: Int64) {
        let answer = try await emulator.expect(
            200, "GET", "/__sim/events", query: ["accountId": accountId, "sinceId": String(sinceId), "wait": String(wait)]).object()
        guard case .array(let events)? = answer["events"], case .int(let last)? = answer["lastId"] else {
            throw AXPSimTestError.unexpectedBody(path: "events", detail: "no events/lastId")
        }
        return (events, last)
    }
}
