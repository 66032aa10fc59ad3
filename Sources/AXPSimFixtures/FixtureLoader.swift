import AXPSimCore
import Foundation
import Yams

/// Reads fixture files: YAML documents with a top-level `accounts:` list, each account with its
/// API clients, app keys and integrations (see `fixtures/README.md`).
public enum FixtureLoader {
    /// Every `.yaml`/`.yml` file directly in `directory`, sorted.
    public static func files(in directory: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { (directory as NSString).appendingPathComponent($0) }
    }

    /// Loads and validates the fixture files of `directory`; throws every mistake at once.
    public static func load(directory: String) throws -> [ProvisionedAccount] {
        try load(files: files(in: directory))
    }

    /// Loads and validates `files`; throws ``DiagnosticsError`` listing every mistake.
    public static func load(files: [String]) throws -> [ProvisionedAccount] {
        var diagnostics: [Diagnostic] = []
        var accounts: [ProvisionedAccount] = []
        var seen = Seen()
        for file in files {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                diagnostics.append(Diagnostic(file: file, line: 1, column: 1, message: "cannot read the file (missing or not UTF-8)"))
                continue
            }
            let (parsed, found) = parse(text, file: file, seen: &seen)
            accounts += parsed
            diagnostics += found
        }
        if !diagnostics.isEmpty { throw DiagnosticsError(diagnostics) }
        return accounts
    }

    /// Ids already used, to report duplicates across files.
    public struct Seen {
        var accounts: Set<String> = []
        var integrations: Set<String> = []
        var appKeys: Set<String> = []
        public init() {}
    }

    /// Parses one file's text.
    public static func parse(_ text: String, file: String, seen: inout Seen) -> ([ProvisionedAccount], [Diagnostic]) {
        let reader = YAMLReader(file: file)
        guard let root = reader.parse(text), let top = reader.mapping(root, "the fixture file", allowed: ["accounts"], required: ["accounts"]),
            let list = top["accounts"].flatMap({ reader.sequence($0, "accounts") })
        else { return ([], reader.diagnostics) }
        let accounts = list.compactMap { account($0, reader: reader, seen: &seen) }
        return (accounts, reader.diagnostics)
    }

    static let accountKeys = ["accountId", "name", "clients", "appKeys", "integrations", "queues"]
    static let clientKeys = ["clientId", "clientSecret"]
    static let integrationKeys = [
        "integrationId", "name", "defaultTtlMinutes", "minTtlMinutes", "maxTtlMinutes", "reminderLeadSeconds", "idleTimeoutSeconds", "maxOpenEngagements",
        "queue", "routingAttributes", "scenario", "routing",
    ]

    static func account(_ node: Node, reader: YAMLReader, seen: inout Seen) -> ProvisionedAccount? {
        guard let fields = reader.mapping(node, "an account", allowed: accountKeys, required: ["accountId"]) else { return nil }
        // Keep checking after a bad id, so that every mistake of the account is reported at once.
        let given = fields["accountId"].flatMap { reader.string($0, "accountId") }
        var valid = given != nil
        if let given, !Identifiers.isValidAccountId(given) {
            reader.report(fields["accountId"], "accountId '\(given)' must be 6 ASCII letters", hint: "e.g. DEMOAA")
            valid = false
        }
        let id = given ?? ""
        if valid, !seen.accounts.insert(id).inserted { reader.report(fields["accountId"], "account \(id) is defined twice") }
        var result = ProvisionedAccount(account: Account(accountId: id, name: reader.string(fields["name"], "name") ?? id))
        for item in fields["clients"].flatMap({ reader.sequence($0, "clients") }) ?? [] {
            guard let client = reader.mapping(item, "a client", allowed: clientKeys, required: clientKeys),
                let clientId = reader.string(client["clientId"], "clientId"), let secret = reader.string(client["clientSecret"], "clientSecret")
            else { continue }
            if result.clients.contains(where: { $0.clientId == clientId }) { reader.report(client["clientId"], "client \(clientId) is defined twice") }
            result.clients.append(APIClient(accountId: id, clientId: clientId, clientSecret: secret))
        }
        for item in fields["appKeys"].flatMap({ reader.sequence($0, "appKeys") }) ?? [] {
            guard let key = reader.string(item, "an app key"), !key.isEmpty else { continue }
            if !seen.appKeys.insert(key).inserted { reader.report(item, "app key \(key) is used twice") }
            result.appKeys.append(AppKey(accountId: id, appKey: key))
        }
        for item in fields["queues"].flatMap({ reader.sequence($0, "queues") }) ?? [] {
            guard let queue = queue(item, accountId: id, reader: reader) else { continue }
            if result.queues.contains(where: { $0.queueId == queue.queueId }) { reader.report(item, "queue \(queue.queueId) is defined twice") }
            result.queues.append(queue)
        }
        var routed: [(Integration, RoutingNodes)] = []
        for item in fields["integrations"].flatMap({ reader.sequence($0, "integrations") }) ?? [] {
            if let (integration, nodes) = integration(item, accountId: id, reader: reader, seen: &seen) {
                result.integrations.append(integration)
                routed.append((integration, nodes))
            }
        }
        checkRouting(routed, queues: result.queues, reader: reader)
        return valid ? result : nil
    }

    static func integration(_ node: Node, accountId: String, reader: YAMLReader, seen: inout Seen) -> (Integration, RoutingNodes)? {
        guard let fields = reader.mapping(node, "an integration", allowed: integrationKeys, required: ["integrationId", "name"]) else { return nil }
        // Keep checking after a missing or bad field, so that every mistake is reported at once.
        let id = fields["integrationId"].flatMap { reader.string($0, "integrationId") }
        let name = fields["name"].flatMap { reader.string($0, "name") }
        var valid = id != nil && name != nil
        if let id, !Identifiers.isValidUUID(id) {
            reader.report(fields["integrationId"], "integrationId '\(id)' must be a UUID", hint: "generate one with uuidgen")
            valid = false
        }
        if let id, valid, !seen.integrations.insert(id.lowercased()).inserted {
            reader.report(fields["integrationId"], "integration \(id) is defined twice")
        }
        let ttl = 1...(24 * 60)
        var integration = Integration(integrationId: (id ?? "").lowercased(), accountId: accountId, name: name ?? "")
        integration.defaultTtlMinutes = reader.int(fields["defaultTtlMinutes"], "defaultTtlMinutes", range: ttl) ?? integration.defaultTtlMinutes
        integration.minTtlMinutes = reader.int(fields["minTtlMinutes"], "minTtlMinutes", range: ttl) ?? integration.minTtlMinutes
        integration.maxTtlMinutes = reader.int(fields["maxTtlMinutes"], "maxTtlMinutes", range: ttl) ?? integration.maxTtlMinutes
        integration.reminderLeadSeconds =
            reader.int(fields["reminderLeadSeconds"], "reminderLeadSeconds", range: 0...86_400) ?? integration.reminderLeadSeconds
        integration.idleTimeoutSeconds = reader.int(fields["idleTimeoutSeconds"], "idleTimeoutSeconds", range: 1...86_400)
        integration.queue = reader.string(fields["queue"], "queue")
        var nodes = RoutingNodes(integration: node, defaultQueue: fields["queue"])
        integration.scenario = reader.string(fields["scenario"], "scenario")
        integration.maxOpenEngagements = reader.int(fields["maxOpenEngagements"], "maxOpenEngagements", range: 1...100)
        integration.routingAttributes = stringMap(fields["routingAttributes"], "routingAttributes", reader: reader)
        if let routing = fields["routing"] { self.routing(routing, into: &integration, nodes: &nodes, reader: reader) }
        do {
            try integration.validateTtlRange()
        } catch {
            for violation in error.violations ?? [] { reader.report(fields[violation.field] ?? node, "\(violation.field) \(violation.message)") }
        }
        return valid ? (integration, nodes) : nil
    }
}
