import AXPSimChat
import AXPSimServer
import Testing

/// Settings that do not need a running emulator.
@Suite struct EmulatorConfigurationTests {
    @Test func defaultTLSFolderIsBesideTheDatabase() {
        #expect(EmulatorConfiguration.defaultTLSDirectory(databasePath: ".axpsim/state.sqlite") == ".axpsim/tls")
        #expect(EmulatorConfiguration.defaultTLSDirectory(databasePath: ":memory:") == ".axpsim/tls")
        #expect(EmulatorConfiguration.defaultTLSDirectory(databasePath: "/var/x/db.sqlite") == "/var/x/tls")
        var configuration = EmulatorConfiguration()
        configuration.apply(environment: ["AXPSIM_TLS_DIR": "/tmp/certs"])
        #expect(configuration.resolvedTLSDirectory == "/tmp/certs")
    }

    @Test(arguments: ["", " ", "\t\n"]) func anEmptyControlTokenCannotStart(token: String) {
        var configuration = EmulatorConfiguration()
        configuration.apply(environment: ["AXPSIM_CONTROL_TOKEN": token])
        #expect(configuration.problems.contains { $0.contains("control token must not be empty") })
        #expect(throws: Emulator.StartupError.self) { try Emulator(configuration: configuration) }
    }

    @Test func aPrintableTokenIsFine() {
        var configuration = EmulatorConfiguration()
        configuration.controlToken = "s3cret-token"
        #expect(configuration.problems.isEmpty)
    }
}
