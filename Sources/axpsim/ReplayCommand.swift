import ArgumentParser
import AXPSimServer
import Foundation

/// `axpsim replay FILE…` and `axpsim run FILE`: scenarios headless on a fresh in-memory emulator.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay recorded or written scenarios headless on the virtual clock; non-zero exit with a diff when one departs.")

    @Argument(help: "Scenario files (or folders of them).") var paths: [String]
    @Option(name: .long, help: "Folder of fixture YAML files (default: ./fixtures, else the bundled fixtures).") var fixtures: String?
    @Option(name: .long, help: "Write a JUnit XML report here.") var junit: String?
    @Flag(name: .long, help: "Print each scenario's transcript, also when it passes.") var verbose = false

    func run() throws {
        let files = ScenarioFiles.expand(paths)
        guard !files.isEmpty else { throw ValidationError("no scenario files in \(paths.joined(separator: " "))") }
        let reports = files.map { HeadlessRunner.run(file: $0, fixturesPath: fixtures ?? BundledPaths.defaultFixtures()) }
        for report in reports { ScenarioOutput.print(report, transcript: verbose || !report.passed) }
        let failed = reports.filter { !$0.passed }.count
        let simulated = reports.reduce(0) { $0 + $1.simulatedSeconds }
        let wall = reports.reduce(0) { $0 + $1.wallSeconds }
        print(String(format: "%d passed, %d failed (simulated %.0f s in %.2f s of wall time)", reports.count - failed, failed, simulated, wall))
        if let junit { try JUnitReport.xml(reports).write(toFile: junit, atomically: true, encoding: .utf8) }
        if failed > 0 { throw ExitCode(1) }
    }
}

/// `axpsim run FILE`: one scenario, with its transcript.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run one scenario headless on the virtual clock and print its timeline.")

    @Argument(help: "The scenario file.") var file: String
    @Option(name: .long, help: "Folder of fixture YAML files (default: ./fixtures, else the bundled fixtures).") var fixtures: String?
    @Option(name: .long, help: "Write a JUnit XML report here.") var junit: String?

    func run() throws {
        let report = HeadlessRunner.run(file: file, fixturesPath: fixtures ?? BundledPaths.defaultFixtures())
        ScenarioOutput.print(report, transcript: true)
        if let junit { try JUnitReport.xml([report]).write(toFile: junit, atomically: true, encoding: .utf8) }
        if !report.passed { throw ExitCode(1) }
    }
}

/// Human-readable output of headless runs.
enum ScenarioOutput {
    static func print(_ report: ScenarioReport, transcript: Bool) {
        let status = report.passed ? "PASS" : "FAIL"
        Swift.print(String(format: "%@ %@ (%@): simulated %.1f s in %.3f s", status, report.name, report.file, report.simulatedSeconds, report.wallSeconds))
        if transcript { for line in report.timeline { Swift.print("    " + line) } }
        for failure in report.failures { Swift.print("  ! " + failure) }
        if !report.diff.isEmpty {
            Swift.print("  expected (-) vs actual (+):")
            for line in report.diff { Swift.print("    " + line) }
        }
    }
}

/// Scenario files named on the command line; folders expand to their YAML files.
enum ScenarioFiles {
    static func expand(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "\(path)/\($0)" }
        }
    }
}
