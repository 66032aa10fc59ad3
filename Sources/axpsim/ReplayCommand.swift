import ArgumentParser
import AXPSimServer
import Foundation

/// `axpsim replay FILE…`: scenarios headless on a fresh in-memory emulator.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay recorded or written scenarios headless on the virtual clock; non-zero exit with a diff when one departs.")

    @Argument(help: "Scenario files (or folders of them).") var paths: [String]
    @OptionGroup var fixtures: FixturesOption
    @Option(name: .long, help: "Write a JUnit XML report here.") var junit: String?
    @Flag(name: .long, help: "Print each scenario's transcript, also when it passes.") var verbose = false

    func run() throws {
        let files = try ScenarioFiles.expand(paths)
        guard !files.isEmpty else { throw ValidationError("no scenario files in \(paths.joined(separator: " "))") }
        let reports = files.map { HeadlessRunner.run(file: $0, fixturesPath: fixtures.resolved) }
        for report in reports { ScenarioOutput.print(report, transcript: verbose || !report.passed) }
        let failed = reports.filter { !$0.passed }.count
        let simulated = reports.reduce(0) { $0 + $1.simulatedSeconds }
        let wall = reports.reduce(0) { $0 + $1.wallSeconds }
        print(String(format: "%d passed, %d failed (simulated %.0f s in %.2f s of wall time)", reports.count - failed, failed, simulated, wall))
        if let junit { try JUnitReport.xml(reports).write(toFile: junit, atomically: true, encoding: .utf8) }
        if failed > 0 { throw ExitCode(1) }
    }
}
