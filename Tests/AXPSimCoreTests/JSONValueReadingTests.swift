import AXPSimCore
import Foundation
import Testing

/// `JSONValue.parse` reads JSON itself (``JSONReader``) and leaves to `JSONDecoder` only what it
/// refuses; the value of every document must be the one `JSONDecoder` gives, which answered before.
@Suite struct JSONValueReadingTests {
    /// What `JSONDecoder` makes of `text`: the value, or nil for an error.
    static func decoder(_ bytes: [UInt8]) -> JSONValue? {
        do { return try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) } catch { return nil }
    }

    /// The reader's value must be the decoder's; `parse` must answer as the decoder did.
    static func check(_ bytes: [UInt8], fast expectFast: Bool? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = decoder(bytes)
        let fast = JSONReader.value(bytes)
        if let fast { #expect(fast == expected, "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation) }
        if let expectFast { #expect((fast != nil) == expectFast, "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation) }
        let parsed: JSONValue?
        do { parsed = try JSONValue.parse(Data(bytes)) } catch { parsed = nil }
        #expect(parsed == expected, "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    @Test func numbersAreIntegersWhenJSONDecoderMakesThemIntegers() {
        let texts = [
            "0", "-0", "1", "-1", "1.0", "-0.0", "1e2", "1E2", "1e+2", "1.5e3", "0.1", "2.5", "12.000", "5e0", "0e10", "-0e0", "1e-400",
            "1.0000000000000000001", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "123456789012345678901234567890", "100000000000000000000000", "4.9e-324", "2e-323", "9007199254740991.0", "-9007199254740991e0",
            "[1, 2.5, -3e-2, 4E+1]",
        ]
        for text in texts { Self.check(Array(text.utf8), fast: true) }
        // Integral values written with a fraction or an exponent past 2^53: JSONDecoder's own
        // exact decimal reading decides (the reader leaves them to it).
        for text in ["1e18", "-1e18", "1e19", "1.7976931348623157e308", "9007199254740991.5", "9007199254740993.0", "-9.2e18"] {
            Self.check(Array(text.utf8), fast: false)
        }
    }

    @Test func stringsAndEscapes() {
        let texts = [
            #""""#, #""plain""#, #""\/\\\"\b\f\n\r\t""#, #""\u0000\u001f\u007F""#, #""\ud83d\ude00""#, #""é名🎉""#, #""e\u0301""#,
            #""\u00e9\u00E9""#, #"{"":1}"#, #"{"a":1,"a":2}"#, #"{"k\u0065y":"v"}"#, "\u{FEFF}{}", " \t\r\n{ \"a\" : [ true , false , null ] } \n",
        ]
        for text in texts { Self.check(Array(text.utf8), fast: true) }
    }

    /// Invalid text and `JSONDecoder`'s leniencies: the reader refuses, `parse` answers as before.
    @Test func refusedTextIsLeftToJSONDecoder() {
        let texts = [
            "", " ", "{", "}", "[1,]", "{\"a\":1,}", "[,]", "[1,,2]", "{} x", "01", "-", "1.", ".5", "+1", "1e", "1e+", "1E400", "-1e400",
            "-9.223372036854775808e18", "9.223372036854775807e18", "-9223372036854775808.0", "9007199254740993e0", "nan", "NaN", "Infinity", "tru", "nul", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud800\\u0041\"", "\"a\tb\"", "\"\\x\"", "\"\\u12\"",
            "\"abc", "{\"a\" 1}", "{1:2}", "[1 2]", "'a'", "{\"a\":1}}",
            String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
        ]
        for text in texts { Self.check(Array(text.utf8), fast: false) }
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0xFE, 0xFF, 0x00, 0x31], [0x31, 0x00], [0xFF, 0xFE, 0x31, 0x00]] {
            Self.check(bytes, fast: false)
        }
        let deep = String(repeating: "[", count: 450) + "1" + String(repeating: "]", count: 450)
        Self.check(Array(deep.utf8), fast: true)
    }

    /// Random documents from a fixed seed, written compactly and with random spacing and escapes.
    @Test func randomDocuments() {
        var generator = SplitMix(seed: 0xDEC0DE)
        for _ in 0..<300 {
            let value = JSONValueWritingTests.random(depth: 0, &generator)
            Self.check(Array(value.jsonData), fast: true)
            var spaced = ""
            Self.write(value, into: &spaced, &generator)
            Self.check(Array(spaced.utf8), fast: true)
        }
    }

    /// `value` as JSON text with random whitespace, `\u` escapes and number spellings.
    static func write(_ value: JSONValue, into text: inout String, _ generator: inout SplitMix) {
        let spaces = ["", " ", "\n", "\t", "\r\n "]
        func space() -> String { spaces[Int(generator.next() % UInt64(spaces.count))] }
        func string(_ string: String) -> String {
            var out = "\""
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where scalar.value < 0x20 || generator.next() % 4 == 0:
                    for unit in String(scalar).utf16 { out += String(format: generator.next() % 2 == 0 ? "\\u%04x" : "\\u%04X", unit) }
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        text += space()
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .int(let number):
            switch generator.next() % 3 {
            case 0: text += "\(number)"
            case 1 where abs(number) < 1 << 50: text += "\(number).0"
            default: text += "\(number)"
            }
        case .double(let number): text += generator.next() % 2 == 0 ? "\(number)" : String(format: "%.17e", number)
        case .string(let value): text += string(value)
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                write(item, into: &text, &generator)
            }
            text += space() + "]"
        case .object(let members):
            text += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                text += space() + string(key) + space() + ":"
                if let member = members[key] { write(member, into: &text, &generator) }
            }
            text += space() + "}"
        }
        text += space()
    }
}
