import ArgumentParser
import AXPSimServer
import Foundation

/// The `axpsim` command line.
@main
struct AXPSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "axpsim",
        abstract: "Offline emulator of the Avaya Experience Platform Digital chat services.",
        version: AXPSimVersion.current,
        subcommands: [
            ServeCommand.self, TokenCommand.self, ValidateCommand.self, CertCommand.self, RunCommand.self, ReplayCommand.self,
            WaitCommand.self, VersionCommand.self,
        ],
        defaultSubcommand: ServeCommand.self)
}
