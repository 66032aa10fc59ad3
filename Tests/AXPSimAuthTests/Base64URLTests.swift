import AXPSimAuth
import Foundation
import Testing

@Suite struct Base64URLTests {
    /// Foundation's base64 turned into base64url without padding: what the encoder must give.
    func reference(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test func roundTripsEveryLengthAndByte() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let data = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let text = Base64URL.encode(data)
            #expect(text == reference(data))
            #expect(Base64URL.decode(text) == data)
        }
        let all = Data(0...255)
        #expect(Base64URL.decode(Base64URL.encode(all)) == all)
    }

    @Test(arguments: ["a", "abcde", "ab=", "ab+c", "ab/c", "a b", "é", "ab.c", "AB", "AAB"])
    func rejectsWhatIsNotCanonicalBase64URL(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test func decodesSlices() {
        let token = "x.\(Base64URL.encode(Data("hello".utf8))).y"
        let part = token.split(separator: ".")[1]
        #expect(Base64URL.decode(part) == Data("hello".utf8))
    }
}
