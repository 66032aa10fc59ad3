import AXPSimHTTP
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `multipart/form-data` bodies read by libmicrohttpd's post processor inside the wrapper, and
/// the per-route body limit, over a real server on a free loopback port.
@Suite(.serialized) struct MultipartTests {
    /// A server answering with what it read: `parts` then one line per part
    /// (`name|filename|type|base64`), or `malformed: why`, or `raw N` for other bodies.
    static func describingServer(limits: Router<Int> = Router(), maxBodySize: Int = 64 * 1024) throws -> HTTPServer {
        var configuration = HTTPServer.Configuration(port: 0, maxBodySize: maxBodySize, threadCount: 2)
        configuration.bodyLimits = limits
        let server = HTTPServer(configuration: configuration) { request in
            switch request.multipart {
            case .parts(let parts)?:
                let lines = parts.map { "\($0.name)|\($0.filename ?? "-")|\($0.contentType ?? "-")|\($0.data.base64EncodedString())" }
                return .respond(.text(200, (["parts \(parts.count)"] + lines).joined(separator: "\n")))
            case .malformed(let why)?:
                return .respond(.text(200, "malformed: \(why)"))
            case nil:
                return .respond(.text(200, "raw \(request.body.count)"))
            }
        }
        try server.start()
        return server
    }

    static func post(_ server: HTTPServer, path: String = "/form", contentType: String, body: Data) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)\(path)")!)
        request.httpMethod = "POST"
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// One part of a body being built.
    struct Part {
        var name: String
        var filename: String?
        var contentType: String?
        var data: Data
    }

    /// An RFC 7578 body of `parts` with `boundary`.
    static func body(_ parts: [Part], boundary: String, close: Bool = true) -> Data {
        var body = Data()
        for part in parts {
            body.append(Data("--\(boundary)\r\n".utf8))
            var disposition = "Content-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { disposition += "; filename=\"\(filename)\"" }
            body.append(Data("\(disposition)\r\n".utf8))
            if let type = part.contentType { body.append(Data("Content-Type: \(type)\r\n".utf8)) }
            body.append(Data("\r\n".utf8))
            body.append(part.data)
            body.append(Data("\r\n".utf8))
        }
        if close { body.append(Data("--\(boundary)--\r\n".utf8)) }
        return body
    }

    static func expected(_ parts: [Part]) -> String {
        (["parts \(parts.count)"] + parts.map { "\($0.name)|\($0.filename ?? "-")|\($0.contentType ?? "-")|\($0.data.base64EncodedString())" })
            .joined(separator: "\n")
    }

    @Test func aFilePartArrivesByteForByteWithItsNameAndType() async throws {
        let server = try Self.describingServer()
        defer { server.stop(grace: 1) }
        // Bytes that look like delimiters, CRLFs, NULs and every byte value.
        var bytes = Data("\r\n--not-the-boundary\r\n--XyZ\r\n\0".utf8)
        bytes.append(contentsOf: (0...255).map { UInt8($0) })
        let parts = [Part(name: "mediaFile", filename: "photo.png", contentType: "image/png", data: bytes)]
        let (status, text) = try await Self.post(
            server, contentType: "multipart/form-data; boundary=XyZ1", body: Self.body(parts, boundary: "XyZ1"))
        #expect(status == 200)
        #expect(text == Self.expected(parts))
    }

    @Test func severalPartsKeepTheirOrderAndFieldsHaveNoFilename() async throws {
        let server = try Self.describingServer()
        defer { server.stop(grace: 1) }
        let parts = [
            Part(name: "caption", data: Data("hello".utf8)),
            Part(name: "mediaFile", filename: "a.txt", contentType: "text/plain", data: Data("first".utf8)),
            Part(name: "mediaFile", filename: "b.txt", contentType: "text/plain", data: Data("second".utf8)),
        ]
        let (_, text) = try await Self.post(
            server, contentType: "multipart/form-data; boundary=\"----b\"", body: Self.body(parts, boundary: "----b"))
        #expect(text == Self.expected(parts))
    }

    @Test func brokenBodiesAreMalformedNotParts() async throws {
        let server = try Self.describingServer()
        defer { server.stop(grace: 1) }
        let file = [Part(name: "mediaFile", filename: "a.txt", contentType: "text/plain", data: Data("some text".utf8))]
        // No boundary parameter, or one of a single character (libmicrohttpd needs two or more).
        #expect(try await Self.post(server, contentType: "multipart/form-data", body: Self.body(file, boundary: "qq")).1.hasPrefix("malformed"))
        #expect(try await Self.post(server, contentType: "multipart/form-data; boundary=q", body: Self.body(file, boundary: "q")).1.hasPrefix("malformed"))
        // The closing delimiter never comes.
        let unclosed = try await Self.post(
            server, contentType: "multipart/form-data; boundary=qq", body: Self.body(file, boundary: "qq", close: false))
        #expect(unclosed.1.hasPrefix("malformed"), "\(unclosed.1)")
        let cases: [(body: String, answer: String)] = [
            // A part without a name, or without Content-Disposition.
            ("--qq\r\nContent-Disposition: form-data; filename=\"a.txt\"\r\n\r\nabc\r\n--qq--\r\n", "malformed: a part has no name"),
            ("--qq\r\nContent-Type: text/plain\r\n\r\nabc\r\n--qq--\r\n", "malformed: a part has no name"),
            // Bytes after the closing delimiter; lines ended by LF alone.
            ("--qq\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc\r\n--qq--\r\ntrailing", "malformed"),
            ("--qq\nContent-Disposition: form-data; name=\"a\"\n\nabc\n--qq--\n", "malformed"),
            // No part at all: nothing to read (the route says what it misses).
            ("", "parts 0"), ("--qq--\r\n", "parts 0"), ("hello world", "parts 0"),
            // An empty file is a part with no bytes; a preamble is skipped.
            ("--qq\r\nContent-Disposition: form-data; name=\"f\"; filename=\"e.txt\"\r\nContent-Type: text/plain\r\n\r\n\r\n--qq--\r\n",
                "parts 1\nf|e.txt|text/plain|"),
            ("junk\r\n--qq\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc\r\n--qq--\r\n", "parts 1\na|-|-|YWJj"),
        ]
        for item in cases {
            let (_, text) = try await Self.post(server, contentType: "multipart/form-data; boundary=qq", body: Data(item.body.utf8))
            #expect(text.hasPrefix(item.answer), "\(item.body.debugDescription) answered \(text)")
        }
        // Too many parts.
        let many = (0...MultipartBody.maxParts).map { Part(name: "f\($0)", data: Data("x".utf8)) }
        let tooMany = try await Self.post(server, contentType: "multipart/form-data; boundary=qq", body: Self.body(many, boundary: "qq"))
        #expect(tooMany.1.hasPrefix("malformed"), "\(tooMany.1)")
        // Other bodies arrive raw, as before.
        let json = try await Self.post(server, contentType: "application/json", body: Data("{}".utf8))
        #expect(json.1 == "raw 2")
    }

    /// Fuzz-style: random parts with random bytes and boundaries round-trip exactly; random
    /// corruptions of them (truncation, flipped or inserted bytes) never crash the server, never
    /// hang it, and never make up bytes that were not sent.
    @Test func randomBodiesRoundTripAndCorruptedOnesFailCleanly() async throws {
        let server = try Self.describingServer(maxBodySize: 256 * 1024)
        defer { server.stop(grace: 1) }
        var random = SplitMix(seed: 20_261_129)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'()+_,-./:=?")
        for round in 0..<60 {
            let boundary = String((0..<(2 + random.next(68))).map { _ in alphabet[random.next(alphabet.count)] })
                .trimmingCharacters(in: CharacterSet(charactersIn: " "))
            let count = 1 + random.next(3)
            let parts = (0..<count).map { index in
                Part(
                    name: "field\(index)", filename: random.next(2) == 0 ? nil : "file\(index).bin",
                    contentType: random.next(2) == 0 ? nil : "application/octet-stream",
                    data: Data((0..<(1 + random.next(5000))).map { _ in UInt8(random.next(256)) }))
            }
            let body = Self.body(parts, boundary: boundary)
            let contentType = "multipart/form-data; boundary=\"\(boundary)\""
            let (status, text) = try await Self.post(server, contentType: contentType, body: body)
            #expect(status == 200)
            #expect(text == Self.expected(parts), "round \(round), boundary \(boundary)")

            var broken = body
            switch random.next(3) {
            case 0: broken = broken.prefix(random.next(broken.count))
            case 1:
                for _ in 0..<(1 + random.next(8)) { broken[random.next(broken.count)] = UInt8(random.next(256)) }
            default:
                broken.insert(contentsOf: Data("\r\n--\(boundary)\r\n".utf8), at: random.next(broken.count))
            }
            let answer = try await Self.post(server, contentType: contentType, body: broken)
            #expect(answer.0 == 200)
            if answer.1.hasPrefix("parts") {
                // Whatever was read comes from the body sent.
                for line in answer.1.split(separator: "\n").dropFirst() {
                    let data = Data(base64Encoded: String(line.split(separator: "|", omittingEmptySubsequences: false).last ?? "")) ?? Data()
                    #expect(data.isEmpty || broken.range(of: data) != nil, "round \(round)")
                }
            } else {
                #expect(answer.1.hasPrefix("malformed"), "round \(round): \(answer.1)")
            }
        }
        // Still serving.
        let (_, text) = try await Self.post(server, contentType: "application/json", body: Data("{}".utf8))
        #expect(text == "raw 2")
    }

    @Test func aRouteMayAcceptALargerBodyThanTheDefault() async throws {
        var limits = Router<Int>()
        limits.add("POST", "/uploads/{id}", 300_000)
        let server = try Self.describingServer(limits: limits, maxBodySize: 64 * 1024)
        defer { server.stop(grace: 1) }
        let big = [Part(name: "mediaFile", filename: "big.bin", contentType: "application/octet-stream", data: Data(repeating: 7, count: 200_000))]
        let body = Self.body(big, boundary: "zz")
        let accepted = try await Self.post(server, path: "/uploads/abc", contentType: "multipart/form-data; boundary=zz", body: body)
        #expect(accepted.0 == 200 && accepted.1 == Self.expected(big))
        // Not on other routes, nor with another method's limit, nor beyond the route's own limit.
        #expect(try await Self.post(server, path: "/other", contentType: "multipart/form-data; boundary=zz", body: body).0 == 413)
        #expect(try await Self.post(server, path: "/uploads/abc/x", contentType: "multipart/form-data; boundary=zz", body: body).0 == 413)
        let huge = Self.body([Part(name: "mediaFile", filename: "h.bin", data: Data(repeating: 1, count: 310_000))], boundary: "zz")
        #expect(try await Self.post(server, path: "/uploads/abc", contentType: "multipart/form-data; boundary=zz", body: huge).0 == 413)
        #expect(server.configuration.bodyLimit(method: "POST", rawPath: "/uploads/a%2Fb") == 64 * 1024)
        #expect(server.configuration.bodyLimit(method: "GET", rawPath: "/uploads/abc") == 64 * 1024)
    }
}

/// A small seeded generator (SplitMix64), so a failing round can be replayed.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A number in `0..<bound` (`bound` > 0).
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }
}
