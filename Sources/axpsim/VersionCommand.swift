import ArgumentParser
import AXPSimServer

/// `axpsim version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("axpsim \(AXPSimVersion.current)")
    }
}
