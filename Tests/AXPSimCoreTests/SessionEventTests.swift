import AXPSimCore
import Foundation
import Testing

@Suite struct SessionEventTests {
    func event(_ fields: [String: JSONValue]) -> SessionEvent {
        SessionEvent(
            journalId: 1, accountId: "DEMOAA", sessionId: "s", seq: 42, eventType: .message, engagementId: "e", createdAt: Date(), fields: fields)
    }

    @Test(arguments: [
        [String: JSONValue](),
        ["eventDate": .string("2030-01-01T00:00:00.000Z"), "message": .object(["body": .string("é \"quoted\" </tag>")]), "n": .int(3)],
    ])
    func frameFromEncodedFieldsEqualsTheWireEncoding(fields: [String: JSONValue]) throws {
        let e = event(fields)
        let text = String(decoding: JSONValue.object(fields).jsonData, as: UTF8.self)
        let frame = try JSONDecoder().decode(JSONValue.self, from: e.frame(fieldsText: text))
        #expect(frame == e.wire)
        #expect(e.wire.objectValue["eventId"] == .string("42"))
    }

    @Test func eventIdsParseBack() {
        #expect(SessionEvent.seq(fromEventId: "17") == 17)
        #expect(SessionEvent.seq(fromEventId: "-1") == nil)
        #expect(SessionEvent.seq(fromEventId: "x") == nil)
    }
}
