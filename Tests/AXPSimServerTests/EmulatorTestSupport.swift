import AXPSimChat
import AXPSimServer
import Foundation
import Logging

/// What the server tests share: an emulator on free ports, an in-memory database and the
/// repository's fixtures.
enum EmulatorTestSupport {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures").path

    static func makeEmulator() throws -> Emulator {
        var configuration = EmulatorConfiguration()
        configuration.httpPort = 0
        configuration.wsPort = 0
        configuration.databasePath = ":memory:"
        configuration.fixturesPath = fixtures
        configuration.logLevel = .error
        return try Emulator(configuration: configuration)
    }
}
