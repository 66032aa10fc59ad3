import AXPSimChat
import AXPSimCore
import AXPSimTesting
import Testing

/// Fault rules: a seeded probability gives the same sequence every time; actions.
@Suite struct FaultInjectorTests {
    func statuses(_ sim: TestEmulator, seed: Int64) async throws -> [Int] {
        try await sim.control.setFaults([
            .object([
                "match": .object(["method": .string("GET"), "path": .string("/.well-known/jwks.json")]),
                "action": .object(["status": .int(503)]), "probability": .double(0.5), "seed": .int(seed),
            ])
        ])
        var statuses: [Int] = []
        for _ in 0..<40 { statuses.append(try await sim.send("GET", "/.well-known/jwks.json").status) }
        return statuses
    }

    @Test func aSeedGivesTheSameSequence() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        let first = try await statuses(sim, seed: 42)
        let again = try await statuses(sim, seed: 42)
        let other = try await statuses(sim, seed: 7)
        #expect(first == again)
        #expect(Set(first) == [200, 503], "both outcomes occur at probability 0.5")
        #expect(first != other)
    }

    @Test func dropAndCountedRules() async throws {
        let sim = try TestEmulator()
        defer { sim.stop() }
        try await sim.control.setFaults([
            .object([
                "match": .object(["path": .string("/.well-known/*")]), "action": .object(["drop": .bool(true)]), "count": .int(2),
            ])
        ])
        for _ in 0..<2 {
            await #expect(throws: AXPSimTestError.self) { try await sim.send("GET", "/.well-known/jwks.json") }
        }
        #expect(try await sim.send("GET", "/.well-known/jwks.json").status == 200, "a counted rule acts that many times")
        try await sim.control.setFaults([
            .object(["match": .object(["path": .string("/__sim/*")]), "action": .object(["status": .int(500)])])
        ])
        #expect(try await sim.send("GET", "/__sim/accounts").status == 200, "the control plane is never faulted")
    }
}
