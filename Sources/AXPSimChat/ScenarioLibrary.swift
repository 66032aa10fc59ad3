import AXPSimFixtures
import AXPSimScenario
import Foundation
import Logging
import Synchronization

/// The scenarios of the `--scenarios` folder, parsed at start (invalid files are logged with
/// every diagnostic and left out), plus scenarios recorded while running.
package final class ScenarioLibrary: Sendable {
    private let scenarios = Mutex<[String: Scenario]>([:])
    /// Problems of the files that could not be loaded.
    package let diagnostics: [Diagnostic]
    package let directory: String?

    package init(directory: String?, logger: Logger) {
        self.directory = directory
        var loaded: [String: Scenario] = [:]
        var problems: [Diagnostic] = []
        for file in Self.files(in: directory) {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                problems.append(Diagnostic(file: file, line: 1, column: 1, message: "cannot read the file"))
                continue
            }
            let (scenario, found) = ScenarioParser.parse(text, file: file)
            problems += found
            if var scenario {
                scenario.file = file
                loaded[scenario.name] = scenario
            }
        }
        for problem in problems { logger.warning("scenario not loaded: \(problem)") }
        scenarios.withLock { $0 = loaded }
        diagnostics = problems
    }

    package static func files(in directory: String?) -> [String] {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "\(directory)/\($0)" }
    }

    package func scenario(named name: String) -> Scenario? {
        scenarios.withLock { $0[name] }
    }

    package var all: [Scenario] {
        scenarios.withLock { $0.values.sorted { $0.name < $1.name } }
    }

    package func add(_ scenario: Scenario) {
        scenarios.withLock { $0[scenario.name] = scenario }
    }
}
