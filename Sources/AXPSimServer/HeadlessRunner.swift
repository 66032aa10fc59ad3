import AXPSimChat
import Synchronization
import AXPSimCore
import AXPSimFixtures
import AXPSimScenario
import AXPSimStore
import Foundation
import Logging

/// The outcome of one headless scenario run (`axpsim run`, `axpsim replay`).
public struct ScenarioReport: Sendable {
    public var name: String
    public var file: String
    public var passed: Bool
    /// Why it failed: validation diagnostics, a failed step, a run still waiting, a timeline diff.
    public var failures: [String]
    /// The transcript, one readable line per entry.
    public var timeline: [String]
    /// Expected vs actual transcript (only when the file has a `timeline:` that was not met).
    public var diff: [String]
    /// Seconds of the account's virtual clock the run covered.
    public var simulatedSeconds: Double
    /// Seconds of wall time it took.
    public var wallSeconds: Double
}

/// Runs a scenario file headless: a fresh in-memory emulator on the bundled fixtures, the
/// account's clock virtual (starting 2030-01-01T09:00:00Z), the customer side played from the
/// file; the clock jumps from one due timer to the next until both sides finish.
public enum HeadlessRunner {
    /// The instant every headless run starts at (so transcripts are repeatable).
    public static let epoch = Date(timeIntervalSince1970: 1_893_488_400)

    public static func run(file: String, fixturesPath: String?) -> ScenarioReport {
        let started = Date()
        var report = ScenarioReport(name: file, file: file, passed: false, failures: [], timeline: [], diff: [], simulatedSeconds: 0, wallSeconds: 0)
        defer { report.wallSeconds = Date().timeIntervalSince(started) }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            report.failures = ["\(file): cannot read the file"]
            return report
        }
        let (parsed, diagnostics) = ScenarioParser.parse(text, file: file)
        guard var scenario = parsed else {
            report.failures = diagnostics.map(\.description)
            return report
        }
        scenario.file = file
        report.name = scenario.name
        do {
            try execute(scenario, fixturesPath: fixturesPath, into: &report)
        } catch {
            report.failures.append("\(error)")
        }
        report.passed = report.failures.isEmpty
        report.wallSeconds = Date().timeIntervalSince(started)
        return report
    }

    private static func execute(_ scenario: Scenario, fixturesPath: String?, into report: inout ScenarioReport) throws {
        var configuration = EmulatorConfiguration()
        configuration.databasePath = ":memory:"
        configuration.fixturesPath = fixturesPath
        configuration.defaultClockMode = .virtual
        let emulator = try Emulator(configuration: configuration, logger: Logger(label: "axpsim.replay"))
        let integration = try findIntegration(scenario.integration, in: emulator.store)
        let accountId = integration.accountId
        try emulator.clocks.set(accountId: accountId, ClockState(mode: .virtual, virtualNow: epoch))
        let customer = try emulator.scenarios.startHeadless(scenario, integration: integration)
        for _ in 0..<100_000 {
            let runs = [customer] + [customer.state.withLock { $0.childRunId }].compactMap { $0.flatMap(emulator.scenarios.run) }
            if runs.allSatisfy(\.isFinished) { break }
            guard let next = try emulator.store.chatRead({ try $0.nextDueTimer(accountId: accountId, notAfter: .distantFuture) }) else {
                for run in runs where !run.isFinished {
                    let waiting = run.state.withLock { $0.progress.last.map { "line \($0.line) (\($0.kind))" } ?? "the start" }
                    emulator.scenarios.fail(run, line: 0, kind: "run", "the \(run.role.rawValue) side waits forever after \(waiting)")
                }
                break
            }
            _ = try emulator.scheduler.advance(accountId: accountId, to: max(next.dueAt, try emulator.clocks.now(accountId: accountId)))
        }
        let runs = [customer] + [customer.state.withLock { $0.childRunId }].compactMap { $0.flatMap(emulator.scenarios.run) }
        for run in runs {
            if let failure = run.state.withLock({ $0.failure }) { report.failures.append("\(run.role.rawValue) side: \(failure)") }
        }
        report.simulatedSeconds = try emulator.clocks.now(accountId: accountId).timeIntervalSince(epoch)
        let actual = try transcript(of: customer, in: emulator)
        report.timeline = actual.map(ScenarioTimeline.line)
        if let expected = scenario.timeline, expected != actual {
            report.diff = ScenarioTimeline.diff(expected: expected, actual: actual)
            report.failures.append("the transcript departs from the recorded timeline (see the diff)")
        }
    }

    /// The transcript as the customer's first device saw it.
    static func transcript(of run: ScenarioRun, in emulator: Emulator) throws -> [TimelineEntry] {
        let (engagementId, device) = run.state.withLock { ($0.engagementId, $0.devices[run.scenario.primaryDevice]) }
        guard let engagementId, let device else { return [] }
        let (events, engagement) = try emulator.store.chatRead { tx in
            (try tx.events(sessionId: device.sessionId, after: 0, limit: 100_000), try tx.engagement(engagementId))
        }
        return ScenarioTimeline.entries(events, engagementId: engagementId, start: engagement?.createdAt ?? epoch)
    }

    /// The integration a scenario names (by name or id), else the first fixture integration.
    static func findIntegration(_ reference: String?, in store: Store) throws -> Integration {
        let all = try store.accounts().flatMap { try store.integrations(accountId: $0.accountId) }
        if let reference {
            if let found = all.first(where: { $0.name == reference || $0.integrationId == reference.lowercased() }) { return found }
            throw AXPSimError.notFound(resource: "integration", id: reference)
        }
        guard let first = all.first else { throw AXPSimError.notFound(resource: "integration", id: "(any: the fixtures have none)") }
        return first
    }
}

/// JUnit XML of headless runs, for CI systems.
public enum JUnitReport {
    public static func xml(_ reports: [ScenarioReport], suite: String = "axpsim scenarios") -> String {
        let failures = reports.filter { !$0.passed }.count
        let time = reports.reduce(0) { $0 + $1.wallSeconds }
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<testsuites name="\#(escape(suite))" tests="\#(reports.count)" failures="\#(failures)" time="\#(format(time))">"#,
            #"  <testsuite name="\#(escape(suite))" tests="\#(reports.count)" failures="\#(failures)" errors="0" skipped="0" time="\#(format(time))">"#,
        ]
        for report in reports {
            let open = #"    <testcase classname="scenarios" name="\#(escape(report.name))" file="\#(escape(report.file))" time="\#(format(report.wallSeconds))""#
            if report.passed {
                lines.append(open + ">")
                lines.append("      <system-out>\(escape((report.timeline + ["simulated \(format(report.simulatedSeconds)) s"]).joined(separator: "\n")))</system-out>")
                lines.append("    </testcase>")
            } else {
                lines.append(open + ">")
                let message = report.failures.first ?? "failed"
                let body = (report.failures + (report.diff.isEmpty ? [] : ["", "expected (-) vs actual (+):"] + report.diff)).joined(separator: "\n")
                lines.append(#"      <failure message="\#(escape(message))" type="ScenarioFailure">\#(escape(body))</failure>"#)
                lines.append("    </testcase>")
            }
        }
        lines += ["  </testsuite>", "</testsuites>", ""]
        return lines.joined(separator: "\n")
    }

    private static func format(_ seconds: Double) -> String {
        String(format: "%.3f", seconds)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out.unicodeScalars.append(scalar)
            default:
                // XML 1.0 cannot carry other control characters at all.
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { out += "?" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
