import AXPSimChat
import AXPSimServer
import AXPSimCore
import Testing

/// Settings that do not need a running emulator.
@Suite struct EmulatorConfigurationTests {
    @Test func defaultTLSFolderIsBesideTheDatabase() throws {
        #expect(EmulatorConfiguration.defaultTLSDirectory(databasePath: ".axpsim/state.sqlite") == ".axpsim/tls")
        #expect(EmulatorConfiguration.defaultTLSDirectory(databasePath: ":memory:") == ".axpsim/tls")
        #expect(EmulatorConfiguration.defaultTLSDirectory(databasePath: "/var/x/db.sqlite") == "/var/x/tls")
        var configuration = EmulatorConfiguration()
        try configuration.apply(environment: ["AXPSIM_TLS_DIR": "/tmp/certs"])
        #expect(configuration.resolvedTLSDirectory == "/tmp/certs")
    }

    @Test(arguments: ["", " ", "\t\n"]) func aBlankControlTokenCannotStart(token: String) throws {
        var configuration = EmulatorConfiguration()
        try configuration.apply(environment: ["AXPSIM_CONTROL_TOKEN": token])
        #expect(configuration.problems.contains { $0.contains("control token must not be empty") })
        #expect(throws: Emulator.StartupError.self) { try Emulator(configuration: configuration) }
    }

    @Test func anEmptyValueIsRefusedWithItsVariable() {
        var configuration = EmulatorConfiguration()
        #expect(throws: ConfigurationError(description: "AXPSIM_HOST=: --host must not be empty")) {
            try configuration.apply(environment: ["AXPSIM_HOST": ""])
        }
    }

    /// Every setting of `serve` has its variable; each is applied, checked, and reported.
    @Test func everySettingComesFromTheEnvironmentAndUnknownNamesAreReported() throws {
        #expect(EmulatorConfiguration.settings.count == Set(EmulatorConfiguration.settings.map(\.option)).count, "one entry per option")
        var configuration = EmulatorConfiguration()
        let applied = try configuration.apply(environment: [
            "AXPSIM_LONG_POLL_HOLD": "7", "AXPSIM_HTTP_THREADS": "2", "AXPSIM_CLOCK": "virtual", "AXPSIM_TLS": "yes",
            "AXPSIM_CORS_ORIGINS": "https://a.test, https://b.test", "AXPSIM_CLCOK": "real", "AXPSIM_BIN": "/x", "HOME": "/root",
        ])
        #expect(Set(applied.applied) == ["long-poll-hold", "http-threads", "clock", "tls", "cors-origins"])
        #expect(applied.unknown == ["AXPSIM_CLCOK"], "a typo is reported; harness variables and others are not")
        #expect(configuration.longPollHoldSeconds == 7 && configuration.httpThreads == 2 && configuration.defaultClockMode == .virtual)
        #expect(configuration.tls && configuration.corsOrigins == ["https://a.test", "https://b.test"])
        for (name, value) in [("AXPSIM_HTTP_PORT", "70000"), ("AXPSIM_TLS", "maybe"), ("AXPSIM_LOG_LEVEL", "loud"), ("AXPSIM_RETENTION", "5")] {
            var other = EmulatorConfiguration()
            #expect(throws: ConfigurationError.self, "\(name)=\(value)") { try other.apply(environment: [name: value]) }
        }
        let printed = configuration.printedSettings(sources: ["long-poll-hold": .environment, "http-port": .flag])
        #expect(printed.contains("--long-poll-hold") && printed.contains("7  [environment (AXPSIM_LONG_POLL_HOLD)]"))
        #expect(printed.contains("--http-port") && printed.contains("8080  [flag]"))
        #expect(printed.split(separator: "\n").count == EmulatorConfiguration.settings.count)
    }

    @Test func aPrintableTokenIsFine() {
        var configuration = EmulatorConfiguration()
        configuration.controlToken = "s3cret-token"
        #expect(configuration.problems.isEmpty)
    }
}
