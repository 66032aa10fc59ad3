import AXPSimAuth
import AXPSimHTTP
import AXPSimStore
import Dispatch
import Foundation
import Logging
import Synchronization
import Testing

@testable import AXPSimServer

/// The first signing key of a new database is made in the background (start-up does not wait
/// for RSA generation); everything that needs it, or could race it into the database, waits.
/// The key generator here is blocked until the test releases it, so "during" is certain.
@Suite struct FirstSigningKeyTests {
    static let key: SigningKey = {
        do { return try SigningKey.generate() } catch { fatalError("cannot generate a key: \(error)") }
    }()

    /// An in-memory emulator whose first key is made only after `release` is signalled.
    func makeEmulator(release: DispatchSemaphore) throws -> Emulator {
        var configuration = EmulatorConfiguration()
        configuration.databasePath = ":memory:"
        configuration.fixturesPath = EmulatorTestSupport.fixtures
        configuration.logLevel = .error
        let emulator = try Emulator(configuration: configuration, logger: Logger(label: "test"), generateKey: {
            release.wait()
            return Self.key
        })
        emulator.startPortless()
        return emulator
    }

    func call(_ emulator: Emulator, _ method: String, _ path: String, json: String? = nil) -> HTTPResponse? {
        var headers = ["host": "127.0.0.1"]
        if json != nil { headers["content-type"] = "application/json" }
        guard case .respond(let response) = emulator.dispatch(HTTPRequest(method: method, path: path, headers: headers, body: Data((json ?? "").utf8)))
        else { return nil }
        return response
    }

    /// Runs `body` on another thread; returns a wait for its result.
    func inBackground(_ body: @escaping @Sendable () -> HTTPResponse?) -> () -> HTTPResponse? {
        let result = Mutex<HTTPResponse?>(nil)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let response = body()
            result.withLock { $0 = response }
            done.signal()
        }
        return {
            done.wait()
            return result.withLock { $0 }
        }
    }

    @Test func resetsAndSnapshotsDuringGenerationLeaveOneFirstKey() throws {
        let release = DispatchSemaphore(value: 0)
        let emulator = try makeEmulator(release: release)
        defer { emulator.stop() }
        // The control plane answers what needs no key while the key is being made.
        #expect(call(emulator, "GET", "/__sim/accounts/DEMOAA")?.status == 200)
        // A snapshot, a reset and the JWKS asked for now all wait for the first key.
        let saved = inBackground { call(emulator, "POST", "/__sim/snapshots", json: #"{"name":"early"}"#) }
        let reset = inBackground { call(emulator, "POST", "/__sim/reset") }
        let jwks = inBackground { call(emulator, "GET", "/.well-known/jwks.json") }
        release.signal()
        #expect(saved()?.status == 201)
        #expect(reset()?.status == 200)
        #expect(jwks()?.status == 200)
        #expect(try emulator.store.signingKeys().map(\.kid) == [Self.key.kid])
        // The snapshot holds that key: restoring it brings no second "first" key.
        #expect(call(emulator, "POST", "/__sim/snapshots/early/restore")?.status == 200)
        #expect(try emulator.store.signingKeys().map(\.kid) == [Self.key.kid])
        #expect(try emulator.keys.jwks().map { $0["kid"] } == [Self.key.kid])
    }

    @Test func aRotationRequestedDuringGenerationComesAfterTheFirstKey() throws {
        let release = DispatchSemaphore(value: 0)
        let emulator = try makeEmulator(release: release)
        defer { emulator.stop() }
        let rotated = inBackground { call(emulator, "POST", "/__sim/keys/rotate") }
        release.signal()
        #expect(rotated()?.status == 201)
        let stored = try emulator.store.signingKeys()
        #expect(stored.count == 2 && stored.first?.kid == Self.key.kid && stored.last?.active == true)
        #expect(try emulator.keys.activeKid() == stored.last?.kid)
    }
}
