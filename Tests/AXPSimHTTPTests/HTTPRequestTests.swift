import AXPSimHTTP
import Foundation
import Testing

/// `HTTPRequest`'s header readers work on bytes for speed; they must answer exactly what the
/// Foundation spelling they replaced answered.
@Suite struct HTTPRequestTests {
    /// The reading before: split on the first space, scheme without case, `trimmingCharacters(in: .whitespaces)`.
    static func foundationBearer(_ value: String) -> String? {
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    @Test(arguments: [
        "Bearer jwt.a.b.c", "bearer jwt.a.b.c", "BEARER  jwt.a.b.c  ", "Bearer \tjwt\t", "Bearer \u{3000}tok\u{00A0}", "Bearer tok\u{2003}\u{2009}",
        "Bearer é名🎉 ", "Bearer  \u{00A0}", "Bearer", "Basic abc", "Bearer a b", "Bearer \u{301}tok", "Beärer tok", "Bearer tok\u{0085}",
    ])
    func bearerTokenReadsAsFoundationDid(value: String) {
        let request = HTTPRequest(method: "GET", path: "/", headers: ["authorization": value])
        #expect(request.bearerToken == Self.foundationBearer(value))
    }

    @Test func headerNamesAreFoundWithoutCase() {
        let request = HTTPRequest(method: "GET", path: "/", headers: ["appkey": "k", "content-type": "application/json"])
        #expect(request.header("AppKey") == "k")
        #expect(request.header("appkey") == "k")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("X-None") == nil)
    }
}
