import AXPSimCore
import AXPSimFuzzTargets
import Foundation
import Testing

/// One fuzz target as the corpus tests see it: its corpus folder and the entry its harness calls.
struct FuzzTargetCase: Sendable, CustomTestStringConvertible {
    let name: String
    let run: @Sendable (Data) -> FuzzOutcome

    var testDescription: String { name }

    static let all: [FuzzTargetCase] = [
        FuzzTargetCase(name: "json", run: JSONRequestFuzzTarget.run),
        FuzzTargetCase(name: "fixture", run: FixtureFuzzTarget.run),
        FuzzTargetCase(name: "scenario", run: ScenarioFuzzTarget.run),
        FuzzTargetCase(name: "token", run: TokenFuzzTarget.run),
        FuzzTargetCase(name: "socket", run: SocketFrameFuzzTarget.run),
    ]
}

/// Feeds every committed seed (`Tests/Fuzz/corpus/<target>/`) and crash reproducer
/// (`Tests/Fuzz/regressions/<target>/`) through the same entry the libFuzzer harness calls, so that CI
/// runs the harness code without libFuzzer. A file named `ok-…` must be accepted, `bad-…` refused
/// with the reader's typed error; nothing may break an invariant.
@Suite struct FuzzCorpusTests {
    static let fuzzRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func files(_ folder: String, _ target: String) throws -> [URL] {
        let directory = fuzzRoot.appendingPathComponent(folder).appendingPathComponent(target)
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    @Test(arguments: FuzzTargetCase.all)
    func seedsAndReproducersGiveTheExpectedOutcome(target: FuzzTargetCase) throws {
        let seeds = try Self.files("corpus", target.name)
        #expect(seeds.contains { $0.lastPathComponent.hasPrefix("ok-") }, "no valid seed for \(target.name)")
        #expect(seeds.contains { $0.lastPathComponent.hasPrefix("bad-") }, "no invalid seed for \(target.name)")
        for file in try seeds + Self.files("regressions", target.name) {
            let name = file.lastPathComponent
            let outcome = target.run(try Data(contentsOf: file))
            if case .invariantBroken(let reason) = outcome { Issue.record("\(target.name)/\(name): \(reason)") }
            if name.hasPrefix("ok-") {
                #expect(outcome.isAccepted, "\(target.name)/\(name): \(outcome)")
            } else if name.hasPrefix("bad-") {
                #expect(outcome.isRejected, "\(target.name)/\(name): \(outcome)")
            } else {
                Issue.record("\(target.name)/\(name): name corpus files ok-… or bad-…")
            }
        }
    }

    @Test func socketFramesReadAsTheServerNeeds() throws {
        #expect(try SocketClientFrame.parse(#"{"type":"auth","jwt":"j","appkey":"k","lastEventId":"42"}"#) == .auth(jwt: "j", appkey: "k", lastEventSeq: 42))
        #expect(try SocketClientFrame.parse(#"{"type":"auth","jwt":"j","lastEventId":null}"#) == .auth(jwt: "j", appkey: nil, lastEventSeq: nil))
        #expect(try SocketClientFrame.parse(#"{"type":"ping"}"#) == .ping)
        #expect(try SocketClientFrame.parse(#"{"type":5}"#) == .other(type: nil))
        #expect(throws: SocketClientFrame.ReadError.notAnObject) { try SocketClientFrame.parse("[]") }
        #expect(throws: SocketClientFrame.ReadError.badAuthFrame) { try SocketClientFrame.parse(#"{"type":"auth"}"#) }
        #expect(throws: SocketClientFrame.ReadError.badLastEventId) { try SocketClientFrame.parse(#"{"type":"auth","jwt":"j","lastEventId":-1}"#) }
        #expect(SocketClientFrame.ReadError.badLastEventId.code == "bad_last_event_id")
        #expect(SocketClientFrame.ReadError.notAnObject.code == "bad_auth_frame")
    }

    @Test func jsonSelectorsPickTheirReader() {
        #expect(JSONRequestFuzzTarget.run(Data(#"t{"customerId":"c"}"#.utf8)) == .rejected("TokenRequest: constraint_violation"))
        #expect(JSONRequestFuzzTarget.run(Data(#"a{"accountId":"ABCDEF"}"#.utf8)) == .accepted("Account"))
        #expect(JSONRequestFuzzTarget.run(Data()) == .rejected("empty input"))
    }
}
