import ArgumentParser
import AXPSimFixtures
import Foundation

/// `axpsim validate FILE…`: checks fixture files and reports every mistake with file and line.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check fixture files; report each mistake as file:line:column with a hint.")

    @Argument(help: "Files (or folders) to check.") var paths: [String]

    func run() throws {
        let files = try expand(paths)
        var seen = FixtureLoader.Seen()
        var diagnostics: [Diagnostic] = []
        var accounts = 0
        for file in files {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                diagnostics.append(Diagnostic(file: file, line: 1, column: 1, message: "cannot read the file (missing or not UTF-8)"))
                continue
            }
            let (parsed, found) = FixtureLoader.parse(text, file: file, seen: &seen)
            accounts += parsed.count
            diagnostics += found
        }
        for diagnostic in diagnostics { printError(diagnostic.description) }
        if !diagnostics.isEmpty {
            printError("\(diagnostics.count) problem(s) in \(files.count) file(s)")
            throw ExitCode(1)
        }
        print("ok: \(files.count) file(s), \(accounts) account(s)")
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
