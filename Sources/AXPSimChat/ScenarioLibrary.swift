import AXPSimFixtures
import AXPSimScenario
import Dispatch
import Foundation
import Logging
import Synchronization

/// The scenarios of the `--scenarios` folder, parsed at start (invalid files are logged with
/// every diagnostic and left out), plus scenarios recorded while running.
///
/// The folder is parsed on a background thread (tens of milliseconds of YAML for the reference
/// scenarios), off the start-up path; every reader waits for it, so no caller ever sees a
/// partly loaded library.
package final class ScenarioLibrary: Sendable {
    private struct Loaded {
        var scenarios: [String: Scenario] = [:]
        var diagnostics: [Diagnostic] = []
    }

    private let loaded = Mutex(Loaded())
    /// Entered until the folder has been parsed.
    private let loading = DispatchGroup()
    package let directory: String?

    package init(directory: String?, logger: Logger) {
        self.directory = directory
        loading.enter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let (scenarios, problems) = Self.parse(directory: directory)
            for problem in problems { logger.warning("scenario not loaded: \(problem)") }
            loaded.withLock { $0 = Loaded(scenarios: scenarios, diagnostics: problems) }
            loading.leave()
        }
    }

    /// The scenarios of `directory` by name, and the problems of the files left out.
    private static func parse(directory: String?) -> ([String: Scenario], [Diagnostic]) {
        var loaded: [String: Scenario] = [:]
        var problems: [Diagnostic] = []
        for file in files(in: directory) {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
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
        return (loaded, problems)
    }

    /// Problems of the files that could not be loaded.
    package var diagnostics: [Diagnostic] {
        loading.wait()
        return loaded.withLock { $0.diagnostics }
    }

    package static func files(in directory: String?) -> [String] {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "\(directory)/\($0)" }
    }

    package func scenario(named name: String) -> Scenario? {
        loading.wait()
        return loaded.withLock { $0.scenarios[name] }
    }

    package var all: [Scenario] {
        loading.wait()
        return loaded.withLock { $0.scenarios.values.sorted { $0.name < $1.name } }
    }

    package func add(_ scenario: Scenario) {
        loading.wait()
        loaded.withLock { $0.scenarios[scenario.name] = scenario }
    }
}
