import AXPSimAuth
import Foundation
import Testing

@Suite struct AtobSafeSerializerTests {
    @Test func plainASCIIIsReturnedUnchanged() {
        let json = Data(#"{"sub":"c","iss":"http:\/\/127.0.0.1:1","n":[1,2]}"#.utf8)
        #expect(AtobSafeSerializer.escape(json) == json)
        #expect(AtobSafeSerializer.escape(Data()) == Data())
    }

    @Test func unsafeCharactersBecomeEscapesThatDecodeToTheSameText() throws {
        let name = "a>b?c~d\u{7f}é名🎉"
        let json = try JSONSerialization.data(withJSONObject: ["name": name])
        let escaped = AtobSafeSerializer.escape(json)
        #expect(escaped.allSatisfy { $0 < 0x7F && $0 != 0x3E && $0 != 0x3F && $0 != 0x7E })
        #expect(String(decoding: escaped, as: UTF8.self).contains(#"\u003e"#))
        #expect(String(decoding: escaped, as: UTF8.self).contains(#"\ud83c\udf89"#))
        let decoded = try JSONSerialization.jsonObject(with: escaped) as? [String: String]
        #expect(decoded == ["name": name])
    }
}
