import AXPSimCore
import Foundation
import Testing

@Suite struct TokenRequestTests {
    let integration = Integration(integrationId: "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01", accountId: "DEMOAA", name: "support")

    func parse(_ json: String) throws(AXPSimError) -> TokenRequest {
        try TokenRequest.parse(JSONValue.parseObject(Data(json.utf8)))
    }

    func violations(_ json: String) -> [String] {
        do {
            _ = try parse(json)
            return []
        } catch {
            return (error.violations ?? []).map { "\($0.field):\($0.code)" }
        }
    }

    @Test func validRequestKeepsIdentifiersOnlyWhenVerified() throws {
        let verified = try parse(#"{"integrationId":"\#(integration.integrationId)","customerId":"c","verifiedCustomer":true,"customerIdentifiers":{"e":["a"]}}"#)
        #expect(verified.customerIdentifiers == ["e": ["a"]])
        let guest = try parse(#"{"integrationId":"\#(integration.integrationId)","customerId":"c","customerIdentifiers":{"e":["a"]}}"#)
        #expect(guest.customerIdentifiers == nil)
        #expect(guest.verifiedCustomer == false)
    }

    @Test func reportsEveryViolation() {
        #expect(violations(#"{"customerId":"","ttl":"one","bogus":1}"#).sorted() == ["bogus:20001", "customerId:20003", "integrationId:20002", "ttl:20005"])
        #expect(violations(#"{"integrationId":"x","customerId":"c","customerName":"\#(String(repeating: "n", count: 71))"}"#).sorted()
            == ["customerName:20003", "integrationId:20006"])
        #expect(violations(#"{"integrationId":"\#(integration.integrationId)","customerId":"c","customerIdentifiers":{"k":["a","b","c","d","e","f"]}}"#)
            == ["customerIdentifiers.k:20003"])
    }

    @Test func lifetimeFollowsTheIntegration() throws {
        let base = #"{"integrationId":"\#(integration.integrationId)","customerId":"c""#
        #expect(try parse(base + "}").lifetimeSeconds(for: integration) == 900)
        #expect(try parse(base + #","ttl":60}"#).lifetimeSeconds(for: integration) == 3600)
        #expect(try parse(base + #","ttlSeconds":7,"ttl":20}"#).lifetimeSeconds(for: integration) == 7)
        #expect(throws: AXPSimError.self) { try parse(base + #","ttl":14}"#).lifetimeSeconds(for: integration) }
        #expect(throws: AXPSimError.self) { try parse(base + #","ttlSeconds":3601}"#).lifetimeSeconds(for: integration) }
    }

    @Test func malformedBodies() {
        for body in ["", "{", "[]", "12", "\"x\""] {
            #expect(throws: AXPSimError.self) { try JSONValue.parseObject(Data(body.utf8)) }
        }
    }
}

@Suite struct IdentifierTests {
    @Test func accountIds() {
        #expect(Identifiers.isValidAccountId("ABCdef"))
        #expect(!Identifiers.isValidAccountId("ABCDE"))
        #expect(!Identifiers.isValidAccountId("ABCDE1"))
        #expect(!Identifiers.isValidAccountId("ÄBCDEF"))
        for _ in 0..<100 { #expect(Identifiers.isValidAccountId(Identifiers.newAccountId())) }
    }

    @Test func uuidsAndTokens() {
        #expect(Identifiers.isValidUUID(Identifiers.newUUID()))
        #expect(!Identifiers.isValidUUID("6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a0"))
        #expect(Identifiers.randomToken(prefix: "p_", length: 10).count == 12)
        #expect(Identifiers.randomToken() != Identifiers.randomToken())
    }

    @Test func timestampsHaveMilliseconds() {
        let date = Date(timeIntervalSince1970: 1_800_000_000.123)
        #expect(Timestamp.format(date) == "2027-01-15T08:00:00.123Z")
        #expect(Timestamp.parse("2027-01-15T08:00:00Z") == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(Timestamp.date(millis: Timestamp.millis(date)) == Date(timeIntervalSince1970: 1_800_000_000.123))
    }

    @Test func errorsHaveStableCodesAndStatuses() {
        #expect(AXPSimError.notFound(resource: "integration", id: "x").code == "integration_not_found")
        #expect(AXPSimError.notFound(resource: "integration", id: "x").status == 404)
        #expect(AXPSimError.tokenRejected(.algorithmNone).code == "token_alg_none")
        #expect(AXPSimError.payloadTooLarge(limit: 1).status == 413)
        #expect(AXPSimError.constraintViolation([]).typeURI.hasSuffix("#constraint-violation"))
    }
}

@Suite struct ProvisioningTests {
    @Test func integrationDefaultsAndPatch() throws {
        let created = try ProvisioningRequests.integration(["name": .string("s")], accountId: "DEMOAA")
        #expect(created.defaultTtlMinutes == 15 && created.minTtlMinutes == 15 && created.maxTtlMinutes == 60 && created.reminderLeadSeconds == 180)
        #expect(Identifiers.isValidUUID(created.integrationId))
        let patched = try ProvisioningRequests.integration(["queue": .string("q")], accountId: "DEMOAA", current: created)
        #expect(patched.queue == "q" && patched.name == "s" && patched.integrationId == created.integrationId)
        #expect(throws: AXPSimError.self) { try ProvisioningRequests.integration(["integrationId": .string("x")], accountId: "DEMOAA", current: created) }
    }

    @Test func clockState() {
        let wall = Date()
        #expect(ClockState.real.now(wall: wall) == wall)
        let frozen = Date(timeIntervalSince1970: 5)
        #expect(ClockState(mode: .virtual, virtualNow: frozen).now(wall: wall) == frozen)
    }
}
