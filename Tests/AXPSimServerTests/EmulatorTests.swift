import AXPSimChat
import AXPSimCore
import AXPSimServer
import Foundation
import Logging
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The emulator in-process on free ports, as AXPSimTesting users would run it.
@Suite(.serialized) struct EmulatorTests {

    func makeEmulator() throws -> Emulator {
        try EmulatorTestSupport.makeEmulator()
    }

    func call(_ method: String, _ url: String, json: String? = nil, headers: [String: String] = [:]) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }

    @Test func startsServesAndStops() async throws {
        let emulator = try makeEmulator()
        try emulator.start()
        let (status, health) = try await call("GET", emulator.httpURL + "/__sim/health")
        #expect(status == 200 && health["status"] as? String == "ok")
        #expect(emulator.wsURL.hasPrefix("ws://127.0.0.1:"))
        emulator.stop()
        emulator.stop()
    }

    @Test func offlineMintUsesTheSameValidation() throws {
        let emulator = try makeEmulator()
        let token = try emulator.mintOffline(
            accountId: "DEMOAA", request: TokenRequest(integrationId: "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01", customerId: "c"), issuer: "x")
        #expect(token.hasPrefix("jwt.") && token.split(separator: ".").count == 4)
        #expect(throws: AXPSimError.notFound(resource: "account", id: "NOPENO")) {
            try emulator.mintOffline(accountId: "NOPENO", request: TokenRequest(integrationId: "x", customerId: "c"), issuer: "x")
        }
    }

    @Test func secondEmulatorOnTheSamePortFailsCleanly() throws {
        let first = try makeEmulator()
        try first.start()
        defer { first.stop() }
        var configuration = first.configuration
        configuration.httpPort = UInt16(URL(string: first.httpURL)?.port ?? 0)
        let second = try Emulator(configuration: configuration)
        #expect(throws: Emulator.StartupError.self) { try second.start() }
    }
}
