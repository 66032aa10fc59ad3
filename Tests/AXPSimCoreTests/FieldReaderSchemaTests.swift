import AXPSimCore
import Foundation
import Testing

/// The request schemas of the OpenAPI document are recorded from the validators themselves.
struct FieldReaderSchemaTests {
    private func properties(_ schema: JSONSchema) -> [String: JSONValue] {
        schema.json["properties"]?.objectValue ?? [:]
    }

    @Test func recordsTypesBoundsAndRequiredFieldsOfAValidator() {
        let schema = FieldReader.schema(of: SDKRequests.createEngagement)
        #expect(schema.json["type"] == "object")
        #expect(schema.json["required"] == .array(["sessionId"]))
        #expect(schema.json["additionalProperties"] == nil, "the SDK API tolerates unknown fields")
        #expect(properties(schema)["sessionId"] == .object(["type": "string", "minLength": .int(1), "maxLength": .int(128)]))
        #expect(
            properties(schema)["engagementParameters"]
                == .object(["type": .array(["object", "null"]), "maxProperties": .int(50), "additionalProperties": .object(["type": "string"])]))
    }

    @Test func rejectUnknownPatternsAndAllowedValuesAreRecorded() {
        let token = FieldReader.schema(of: TokenRequest.parse)
        #expect(token.json["additionalProperties"] == false)
        #expect(properties(token)["integrationId"]?.objectValue["pattern"] == .string(FieldPattern.uuid.pattern ?? ""))
        let ttl = properties(token)["ttl"]?.objectValue["anyOf"]
        #expect(ttl != nil, "ttl is an integer or a decimal string, as lenientInt reads it")
        let clock = FieldReader.schema(of: ControlRequests.clockChange)
        #expect(properties(clock)["mode"] == .object(["type": "string", "enum": .array(["real", "virtual"])]))
        #expect(properties(clock)["now"]?.objectValue["format"] == "date-time")
    }

    @Test func nestedObjectsAreRecordedAsNestedSchemas() {
        let schema = FieldReader.schema { try SDKRequests.sendMessage($0, maxTextLength: 99) }
        let body = properties(schema)["body"]?.objectValue ?? [:]
        #expect(body["required"] == .array(["elementText", "elementType"]))
        let element = body["properties"]?.objectValue["elementText"]?.objectValue ?? [:]
        #expect(element["properties"]?.objectValue["text"] == .object(["type": "string", "minLength": .int(1), "maxLength": .int(99)]))
    }

    @Test func readersOutsideARecordingValidateAsBefore() throws {
        _ = FieldReader.schema(of: SDKRequests.createSession)
        #expect(throws: AXPSimError.self) { try SDKRequests.createEngagement([:]) }
        let created = try SDKRequests.createEngagement(["sessionId": "s-1"])
        #expect(created.sessionId == "s-1")
        do {
            _ = try SDKRequests.sendMessage(["sessionId": "s", "body": .object(["elementType": "IMAGE"])], maxTextLength: 10)
            Issue.record("a non-TEXT body must be refused")
        } catch {
            let fields = Set(error.violations?.map(\.field) ?? [])
            #expect(fields == ["body.elementType", "body.elementText"])
        }
    }

    @Test func patternsAgreeWithTheirSwiftChecks() throws {
        for pattern in [FieldPattern.uuid, .accountId, .fileName] {
            let regex = try NSRegularExpression(pattern: try #require(pattern.pattern))
            for sample in ["ABCDEF", "abc", ".hidden", "snap-1.db", "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01", "a b", "", "x_y", String(repeating: "a", count: 65)] {
                let byRegex = regex.firstMatch(in: sample, range: NSRange(sample.startIndex..., in: sample)) != nil
                #expect(byRegex == pattern.isValid(sample), "\(pattern.message): \(sample)")
            }
        }
    }

    @Test func queryParametersReadWhatTheyDocument() throws {
        let size = SDKRequests.messagePageQuery[2]
        #expect(size.schema.json == ["type": "integer", "minimum": .int(1), "maximum": .int(100)])
        #expect(try size.int(in: [:]) == 10)
        #expect(throws: AXPSimError.self) { try size.int(in: ["pageSize": "101"]) }
        let page = try SDKRequests.messagePage(["orderBy": "asc"])
        #expect(page.ascending)
    }
}
