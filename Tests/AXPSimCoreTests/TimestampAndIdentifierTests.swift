@testable import AXPSimCore
import Foundation
import Testing

/// Times and ids are written digit by digit; they must be what Foundation writes.
@Suite struct TimestampAndIdentifierTests {
    @Test func timestampsAreFoundationsText() {
        let edges: [Int64] = [
            0, -1, 1, 999, -999, -1000, 86_399_999, 86_400_000, 951_782_400_000,  // 2000-02-29
            4_107_542_399_999, 4_107_542_400_000,  // 2100-02-28/03-01 (no leap day)
            1_893_484_800_000, 253_402_300_799_999,  // 9999-12-31T23:59:59.999Z
            -62_167_219_200_000, -11_676_096_000_000,  // 0000-01-01, 1600-01-01 (before it: Foundation's Julian calendar)
        ]
        for millis in edges { #expect(Timestamp.format(Timestamp.date(millis: millis)) == Timestamp.foundationFormat(millis: millis), "\(millis)") }
        var generator = SplitMix(seed: 0x71E)
        for _ in 0..<2000 {
            // 1900 to 2400, any millisecond.
            let millis = Int64(bitPattern: generator.next() % 15_778_800_000_000) - 2_208_988_800_000
            #expect(Timestamp.formatted(millis: millis) == Timestamp.foundationFormat(millis: millis), "\(millis)")
        }
        #expect(Timestamp.formatted(millis: 253_402_300_800_000) == nil, "year 10000 is left to Foundation")
        #expect(Timestamp.format(Timestamp.date(millis: 253_402_300_800_000)) == Timestamp.foundationFormat(millis: 253_402_300_800_000))
    }

    @Test func uuidsAreRandomVersion4InLowerCase() {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let text = Identifiers.newUUID()
            let uuid = UUID(uuidString: text)
            #expect(uuid != nil && uuid?.uuidString.lowercased() == text, "\(text)")
            let bytes = Array(text.utf8)
            #expect(bytes[14] == UInt8(ascii: "4"), "version 4: \(text)")
            #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(bytes[19]), "RFC 4122 variant: \(text)")
            seen.insert(text)
        }
        #expect(seen.count == 1000)
    }
}
