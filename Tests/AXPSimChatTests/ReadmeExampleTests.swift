// The README's "Use from your tests: Swift" example, verbatim: it must compile and pass.
import AXPSimChat
import AXPSimTesting
import Testing

@Test func customerGetsTheAgentsAnswer() async throws {
    let sim = try TestEmulator()                      // in-process, in-memory, bundled fixtures
    defer { sim.stop() }
    let tenant = try await sim.control.provisionTenant()  // an isolated account for this test
    try await sim.control.freezeClock(tenant.accountId)   // virtual time: nothing moves unless we say so

    let ann = try await sim.customer(tenant, id: "ann", name: "Ann")
    try await ann.startSession()
    let chat = try await ann.startChat(parameters: ["topic": "refund"])

    try await sim.control.agentJoins(chat.engagementId, name: "Alice")
    try await sim.control.agentSays(chat.engagementId, "Hi Ann, how can I help?")
    try await ann.say("Where is my refund?", in: chat)

    let messages = try await ann.poll().filter { $0.type == "MESSAGE" }
    #expect(messages.count == 2)

    // 12 minutes later the 15-minute chat JWT is 3 minutes from expiry.
    #expect(try await sim.control.advance(tenant.accountId, seconds: 12 * 60) == 1)
}
