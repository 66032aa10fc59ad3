import ArgumentParser
import AXPSimServer
import Foundation

/// `axpsim run FILE`: one scenario, with its transcript.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run one scenario headless on the virtual clock and print its timeline.")

    @Argument(help: "The scenario file.") var file: String
    @OptionGroup var fixtures: FixturesOption
    @Option(name: .long, help: "Write a JUnit XML report here.") var junit: String?

    func run() throws {
        let report = HeadlessRunner.run(file: file, fixturesPath: fixtures.resolved)
        ScenarioOutput.print(report, transcript: true)
        if let junit { try JUnitReport.xml([report]).write(toFile: junit, atomically: true, encoding: .utf8) }
        if !report.passed { throw ExitCode(1) }
    }
}
