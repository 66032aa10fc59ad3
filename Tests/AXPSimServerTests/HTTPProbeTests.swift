import AXPSimServer
import AXPSimTesting
import AXPSimWebSocket
import Foundation
import Testing

/// `axpsim wait`'s health check over libwebsockets' HTTP client, against a real server on ports.
@Suite struct HTTPProbeTests {
    @Test func aHealthyServerAnswersOkAndAGuardedOneWantsItsToken() throws {
        let sim = try TestEmulator(transport: .ports) { $0.controlToken = "probe-secret" }
        defer { sim.stop() }
        let health = try #require(URL(string: sim.emulator.httpURL + "/__sim/health"))
        let refused = try HTTPProbe.get(health, timeout: 5).get()
        #expect(refused.status == 401 && refused.body.contains("control_plane_denied"))
        let answered = try HTTPProbe.get(health, authorization: "Bearer probe-secret", timeout: 5).get()
        #expect(answered.status == 200 && answered.body.contains("\"status\":\"ok\""))
        let missing = try HTTPProbe.get(try #require(URL(string: sim.emulator.httpURL + "/nope?x=1")), timeout: 5).get()
        #expect(missing.status == 404)
    }

    @Test func nothingListeningAndNonHTTPURLsAreFailuresNotHangs() throws {
        #expect(throws: HTTPProbe.Failure.self) { try HTTPProbe.get(try #require(URL(string: "http://127.0.0.1:1/")), timeout: 5).get() }
        #expect(throws: HTTPProbe.Failure.self) { try HTTPProbe.get(try #require(URL(string: "ftp://127.0.0.1/")), timeout: 5).get() }
    }
}
