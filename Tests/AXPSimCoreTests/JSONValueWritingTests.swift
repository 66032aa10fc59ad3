import AXPSimCore
import Foundation
import Testing

/// `JSONValue.jsonData` writes JSON itself; its bytes must be `JSONEncoder`'s (sorted keys, no
/// escaped slashes), which answered before.
@Suite struct JSONValueWritingTests {
    static func encoder(_ value: JSONValue) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return try encoder.encode(value) } catch { return Data("null".utf8) }
    }

    static let tricky: [String] = {
        var controls = ""
        for byte in 0..<0x20 { controls.unicodeScalars.append(Unicode.Scalar(UInt8(byte))) }
        return [
            "", "plain", "a\"b\\c/d", controls, "\u{7f}\u{80}\u{2028}\u{2029}\u{fffe}", "é名🎉", "e\u{301}", "http://x/y?z=1&w=<>",
            "jwt.eyJhbGciOiJSUzI1NiJ9.x.y",
        ]
    }()

    @Test(arguments: tricky)
    func stringsAreWrittenAsJSONEncoderWritesThem(text: String) {
        let value = JSONValue.object(["text": .string(text), "list": .array([.string(text), .null, .bool(true), .int(-7)])])
        #expect(value.jsonData == Self.encoder(value))
    }

    @Test func numbersAndEmptyContainers() {
        let doubles: [Double] = [0, -0.0, 1, 1.5, 0.1, 1e20, 1e-7, 123_456_789.125, -2.5e-300, .greatestFiniteMagnitude]
        let value = JSONValue.object([
            "doubles": .array(doubles.map(JSONValue.double)), "ints": .array([.int(.min), .int(.max), .int(0)]), "empty": .object([:]),
            "none": .array([]), "null": .null,
        ])
        #expect(value.jsonData == Self.encoder(value))
        #expect(JSONValue.double(.nan).jsonData == Self.encoder(.double(.nan)))
        #expect(JSONValue.array([.double(.infinity)]).jsonData == Self.encoder(.array([.double(.infinity)])))
    }

    @Test func keysAreSortedAsJSONEncoderSortsThem() {
        let keys = ["a", "B", "_x", "a10", "a9", "Ab", "ab", "z", "Z", "-", "a-b", "a_b", "aB", "sessionId", "session_id", "1", "10", "9", "x.y", "é", "ß"]
        let value = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, JSONValue.int(Int64($0))) }))
        #expect(value.jsonData == Self.encoder(value))
        let ascii = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.filter { $0.utf8.allSatisfy { $0 < 0x80 } }.map { ($0, JSONValue.null) }))
        #expect(ascii.jsonData == Self.encoder(ascii))
    }

    /// Random documents from a fixed seed (the same every run).
    @Test func randomDocuments() {
        var generator = SplitMix(seed: 0x5EED)
        for _ in 0..<300 {
            let value = Self.random(depth: 0, &generator)
            #expect(value.jsonData == Self.encoder(value), "\(value)")
        }
    }

    static func random(depth: Int, _ generator: inout SplitMix) -> JSONValue {
        switch generator.next() % (depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(generator.next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: generator.next()) >> Int64(generator.next() % 63))
        case 3: return .double(Double(Int64(bitPattern: generator.next()) >> 20) / Double(1 << (generator.next() % 40)))
        case 4: return .string(tricky[Int(generator.next() % UInt64(tricky.count))] + String(generator.next() % 1000))
        case 5: return .array((0..<Int(generator.next() % 4)).map { _ in random(depth: depth + 1, &generator) })
        default:
            var members: [String: JSONValue] = [:]
            let names = ["id", "sessionId", "Type", "_links", "a1", "a10", "z", "x-y", "é"]
            for _ in 0..<Int(generator.next() % 5) { members[names[Int(generator.next() % UInt64(names.count))]] = random(depth: depth + 1, &generator) }
            return .object(members)
        }
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
