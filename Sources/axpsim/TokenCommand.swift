import ArgumentParser
import AXPSimCore
import AXPSimServer
import Foundation

/// `axpsim token`: mint a chat JWT offline with the database's signing key.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Mint a chat JWT offline (signed with the key in --db, so a server on that database accepts it).")

    @Option(name: .long, help: "Account id.") var account: String
    @Option(name: .long, help: "Integration id (UUID).") var integration: String
    @Option(name: .long, help: "Customer id.") var customer: String
    @Option(name: .long, help: "Customer display name.") var name: String?
    @Flag(name: .long, help: "Mint for a verified customer.") var verified = false
    @Option(name: .long, help: "Lifetime in minutes (within the integration's range).") var ttl: Int?
    @Option(name: .customLong("ttl-seconds"), help: "Lifetime in seconds (overrides --ttl).") var ttlSeconds: Int?
    @OptionGroup var database: DatabaseOption
    @OptionGroup var fixtures: FixturesOption
    @Option(name: .long, help: "The iss claim (the emulator's base URL).") var issuer = "http://127.0.0.1:8080"

    func run() throws {
        var configuration = EmulatorConfiguration()
        do {
            try configuration.apply(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
        if let db = database.db { configuration.databasePath = db }
        configuration.fixturesPath = fixtures.resolved
        var body: [String: JSONValue] = [
            "integrationId": .string(integration), "customerId": .string(customer), "verifiedCustomer": .bool(verified),
        ]
        if let name { body["customerName"] = .string(name) }
        if let ttl { body["ttl"] = .int(Int64(ttl)) }
        if let ttlSeconds { body["ttlSeconds"] = .int(Int64(ttlSeconds)) }
        do {
            // The same validation as the Generate JWT Token API.
            let request = try TokenRequest.parse(body)
            let minted = try Emulator(configuration: configuration).mintOffline(accountId: account, request: request, issuer: issuer)
            print(minted)
        } catch let error as AXPSimError {
            printError("error: \(error.code): \(error.detail)")
            for violation in error.violations ?? [] { printError("  \(violation.field): \(violation.message)") }
            throw ExitCode(1)
        }
    }
}
