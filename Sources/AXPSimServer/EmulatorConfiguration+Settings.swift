import AXPSimCore
import Foundation
import Logging

/// One setting of `axpsim serve`: its flag (`--http-port`), its environment variable
/// (`AXPSIM_HTTP_PORT`), how a text value is checked and applied, and how it reads back.
public struct ConfigurationSetting: Sendable {
    /// The flag's name without dashes (`http-port`).
    public let option: String
    let apply: @Sendable (inout EmulatorConfiguration, String) throws(ConfigurationError) -> Void
    let show: @Sendable (EmulatorConfiguration) -> String

    /// `AXPSIM_` and the option in capitals, `-` as `_`.
    public var environmentName: String { "AXPSIM_" + option.uppercased().replacingOccurrences(of: "-", with: "_") }
}

/// A setting value that cannot be used, said as a person fixes it.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}

/// Where an effective setting came from.
public enum ConfigurationSource: String, Sendable {
    case builtIn = "default"
    case environment
    case flag
}

extension EmulatorConfiguration {
    /// Every setting of `axpsim serve`, in the order `--print-config` lists them.
    public static let settings: [ConfigurationSetting] = [
        text("host") { $0.host = $1 } show: { $0.host },
        integer("http-port", 0...65535) { $0.httpPort = UInt16($1) } show: { "\($0.httpPort)" },
        integer("ws-port", 0...65535) { $0.wsPort = UInt16($1) } show: { "\($0.wsPort)" },
        boolean("tls") { $0.tls = $1 } show: { "\($0.tls)" },
        text("tls-cert") { $0.tlsCertificatePath = $1 } show: { $0.tlsCertificatePath ?? "-" },
        text("tls-key") { $0.tlsKeyPath = $1 } show: { $0.tlsKeyPath ?? "-" },
        text("tls-dir") { $0.tlsDirectory = $1 } show: { $0.resolvedTLSDirectory },
        text("public-host") { $0.publicHost = $1 } show: { $0.publicHost ?? "-" },
        text("cors-origins") { $0.corsOrigins = splitList($1) } show: { $0.corsOrigins.joined(separator: ",") },
        text("db") { $0.databasePath = $1 } show: { $0.databasePath },
        text("fixtures") { $0.fixturesPath = $1 } show: { $0.fixturesPath ?? "-" },
        text("scenarios") { $0.scenariosPath = $1 } show: { $0.scenariosPath ?? "-" },
        integer("token-ttl", 1...31_536_000) { $0.tokenTTLOverride = $1 } show: { $0.tokenTTLOverride.map(String.init) ?? "per integration" },
        integer("reminder-lead", 0...86_400) { $0.reminderLeadOverride = $1 } show: {
            $0.reminderLeadOverride.map(String.init) ?? "per integration"
        },
        integer("access-token-ttl", 1...31_536_000) { $0.accessTokenTTL = $1 } show: { "\($0.accessTokenTTL)" },
        choice("clock", ClockMode.allCases.map(\.rawValue)) { $0.defaultClockMode = ClockMode(rawValue: $1) ?? .real } show: {
            $0.defaultClockMode.rawValue
        },
        text("control-token", allowEmpty: true) { $0.controlToken = $1 } show: { $0.controlToken == nil ? "-" : "(set)" },
        text("ready-file") { $0.readyFile = $1 } show: { $0.readyFile ?? "-" },
        integer("max-body-size", 1024...(1 << 30)) { $0.maxBodySize = $1 } show: { "\($0.maxBodySize)" },
        integer("max-attachment-size", 1...(1 << 31)) { $0.maxAttachmentBytes = $1 } show: { "\($0.maxAttachmentBytes)" },
        integer("http-threads", 1...256) { $0.httpThreads = $1 } show: { "\($0.httpThreads)" },
        integer("max-header-size", 4096...(1 << 20)) { $0.maxHeaderSize = $1 } show: { "\($0.maxHeaderSize)" },
        integer("long-poll-hold", 0...120) { $0.longPollHoldSeconds = $1 } show: { "\($0.longPollHoldSeconds)" },
        integer("ws-queue-frames", 1...1_000_000) { $0.wsQueueFrames = $1 } show: { "\($0.wsQueueFrames)" },
        integer("max-polls-per-session", 1...10_000) { $0.maxPollsPerSession = $1 } show: { "\($0.maxPollsPerSession)" },
        integer("max-sockets-per-session", 1...10_000) { $0.maxSocketsPerSession = $1 } show: { "\($0.maxSocketsPerSession)" },
        integer("retention", 60...315_360_000) { $0.retentionSeconds = $1 } show: { "\($0.retentionSeconds)" },
        choice("log-level", Logger.Level.allCases.map(\.rawValue)) { $0.logLevel = Logger.Level(rawValue: $1) ?? .info } show: {
            $0.logLevel.rawValue
        },
    ]

    /// `AXPSIM_*` variables that are not settings of `serve` but are known (test harnesses, build
    /// scripts): they are not reported as unknown.
    public static let otherKnownVariables: Set<String> = [
        "AXPSIM_BIN", "AXPSIM_SDK_JS", "AXPSIM_OMNI_SDK_DIR", "AXPSIM_CHROME", "AXPSIM_CHROMEDRIVER", "AXPSIM_SDK_HEADFUL",
        "AXPSIM_SDK_OWN_CERT", "AXPSIM_CONSOLE_REQUIRED", "AXPSIM_SCREENSHOTS", "AXPSIM_FUZZ_TARGET", "AXPSIM_FUZZ_STATS",
        "AXPSIM_FUZZ_SEED",
    ]

    /// The setting of a flag (`http-port`), or nil.
    public static func setting(option: String) -> ConfigurationSetting? {
        settings.first { $0.option == option }
    }

    /// Applies one setting from its text (a flag's or an environment variable's value).
    public mutating func apply(option: String, value: String) throws(ConfigurationError) {
        guard let setting = Self.setting(option: option) else { throw ConfigurationError(description: "unknown setting --\(option)") }
        try setting.apply(&self, value)
    }

    /// Applies the `AXPSIM_*` variables of `environment` that name settings (flags applied
    /// afterwards win). Returns the options set and the unknown `AXPSIM_*` names (a typo must not
    /// go unnoticed). An unusable value is an error naming the variable.
    @discardableResult
    public mutating func apply(environment: [String: String]) throws(ConfigurationError) -> (applied: [String], unknown: [String]) {
        var applied: [String] = []
        for setting in Self.settings {
            guard let value = environment[setting.environmentName] else { continue }
            do {
                try setting.apply(&self, value)
            } catch {
                throw ConfigurationError(description: "\(setting.environmentName)=\(value): \(error.description)")
            }
            applied.append(setting.option)
        }
        let names = Set(Self.settings.map(\.environmentName)).union(Self.otherKnownVariables)
        let unknown = environment.keys.filter { $0.hasPrefix("AXPSIM_") && !names.contains($0) }.sorted()
        return (applied, unknown)
    }

    /// One line per setting: its flag, effective value and source.
    public func printedSettings(sources: [String: ConfigurationSource]) -> String {
        let width = (Self.settings.map(\.option.count).max() ?? 0) + 2
        return Self.settings.map { setting in
            let name = ("--" + setting.option).padding(toLength: width + 2, withPad: " ", startingAt: 0)
            let value = setting.show(self)
            let source = sources[setting.option] ?? .builtIn
            let origin = source == .environment ? "environment (\(setting.environmentName))" : source.rawValue
            return "\(name) \(value)  [\(origin)]"
        }.joined(separator: "\n")
    }

    // MARK: Kinds of setting

    /// A text setting; an empty one is refused unless `allowEmpty` (the control token: its own
    /// check in ``problems`` says why an empty token cannot start).
    private static func text(
        _ option: String, allowEmpty: Bool = false, _ set: @escaping @Sendable (inout EmulatorConfiguration, String) -> Void,
        show: @escaping @Sendable (EmulatorConfiguration) -> String
    ) -> ConfigurationSetting {
        ConfigurationSetting(
            option: option,
            apply: { configuration, value throws(ConfigurationError) in
                guard allowEmpty || !value.isEmpty else { throw ConfigurationError(description: "--\(option) must not be empty") }
                set(&configuration, value)
            }, show: show)
    }

    private static func integer(
        _ option: String, _ range: ClosedRange<Int>, _ set: @escaping @Sendable (inout EmulatorConfiguration, Int) -> Void,
        show: @escaping @Sendable (EmulatorConfiguration) -> String
    ) -> ConfigurationSetting {
        ConfigurationSetting(
            option: option,
            apply: { configuration, value throws(ConfigurationError) in
                guard let number = Int(value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
                    throw ConfigurationError(description: "--\(option) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(value)'")
                }
                set(&configuration, number)
            }, show: show)
    }

    private static func boolean(
        _ option: String, _ set: @escaping @Sendable (inout EmulatorConfiguration, Bool) -> Void,
        show: @escaping @Sendable (EmulatorConfiguration) -> String
    ) -> ConfigurationSetting {
        ConfigurationSetting(
            option: option,
            apply: { configuration, value throws(ConfigurationError) in
                switch value.lowercased() {
                case "1", "true", "yes", "on": set(&configuration, true)
                case "0", "false", "no", "off": set(&configuration, false)
                default: throw ConfigurationError(description: "--\(option) must be true or false (1/0, yes/no, on/off), not '\(value)'")
                }
            }, show: show)
    }

    private static func choice(
        _ option: String, _ allowed: [String], _ set: @escaping @Sendable (inout EmulatorConfiguration, String) -> Void,
        show: @escaping @Sendable (EmulatorConfiguration) -> String
    ) -> ConfigurationSetting {
        ConfigurationSetting(
            option: option,
            apply: { configuration, value throws(ConfigurationError) in
                guard allowed.contains(value) else {
                    throw ConfigurationError(description: "--\(option) must be one of \(allowed.joined(separator: ", ")), not '\(value)'")
                }
                set(&configuration, value)
            }, show: show)
    }
}
