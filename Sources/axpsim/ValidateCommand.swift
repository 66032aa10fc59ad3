import AXPSimCore
import AXPSimFixtures
import AXPSimScenario
import ArgumentParser
import Foundation

/// `axpsim validate FILE…`: checks fixture and scenario files and reports every mistake with file and
/// line. A file whose top level has `accounts:` is a fixture file; one with `steps:` (or another
/// scenario key) a scenario. Folders expand to their `*.yaml`/`*.yml` files.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check fixture and scenario files; report each mistake as file:line:column with a hint.")

    @Argument(help: "Files (or folders) to check.") var paths: [String]

    func run() throws {
        let files = try expand(paths)
        var texts: [String: String] = [:]
        var diagnosticsByFile: [String: [Diagnostic]] = [:]
        var scenarioFiles: [String] = []
        var fixtureFiles: [String] = []
        for file in files {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                diagnosticsByFile[file, default: []].append(
                    Diagnostic(file: file, line: 1, column: 1, message: "cannot read the file (missing or not UTF-8)"))
                continue
            }
            texts[file] = text
            if ScenarioParser.looksLikeScenario(text) { scenarioFiles.append(file) } else { fixtureFiles.append(file) }
        }

        // Fixtures first, so scenarios can be checked against their integrations.
        var seen = FixtureLoader.Seen()
        var accounts = 0
        var integrations: Set<String> = []
        for file in fixtureFiles {
            let (parsed, found) = FixtureLoader.parse(texts[file] ?? "", file: file, seen: &seen)
            accounts += parsed.count
            for integration in parsed.flatMap(\.integrations) {
                integrations.insert(integration.name)
                integrations.insert(integration.integrationId.lowercased())
            }
            diagnosticsByFile[file, default: []] += found
        }

        var scenarios = 0
        var names: [String: String] = [:]
        for file in scenarioFiles {
            let (scenario, found) = ScenarioParser.parse(
                texts[file] ?? "", file: file, knownIntegrations: fixtureFiles.isEmpty ? nil : integrations)
            diagnosticsByFile[file, default: []] += found
            guard let scenario else { continue }
            scenarios += 1
            if let other = names[scenario.name] {
                diagnosticsByFile[file, default: []].append(
                    Diagnostic(
                        file: file, line: 1, column: 1, message: "scenario name '\(scenario.name)' is also used by \(other)",
                        hint: "scenarios are run by name; give each its own"))
            } else {
                names[scenario.name] = file
            }
        }

        let diagnostics = files.flatMap { diagnosticsByFile.removeValue(forKey: $0) ?? [] }
        for diagnostic in diagnostics { printError(diagnostic.description) }
        if !diagnostics.isEmpty {
            printError("\(diagnostics.count) problem(s) in \(files.count) file(s)")
            throw ExitCode(1)
        }
        print("ok: \(files.count) file(s), \(accounts) account(s) in \(fixtureFiles.count) fixture file(s), \(scenarios) scenario(s)")
    }

    private func expand(_ paths: [String]) throws -> [String] {
        try paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                return try FixtureLoader.files(in: path)
            }
            return [path]
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
