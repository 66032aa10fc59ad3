import Foundation
import Testing

/// Guards against a pattern that leaked here: a function value stored as the `Value` of a
/// `Mutex` and read back with `withLock { $0 }` came back wrapped in more reabstraction thunks on
/// every read (a Swift compiler issue, seen in debug and release builds), so the closure chain —
/// heap and the callers' stacks — grew with every chat until a worker thread's stack overflowed.
/// Share callbacks through objects passed at construction (such as `TimerSignal`) instead.
@Suite struct SourceHabitsTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    @Test func noFunctionTypedMutexValues() throws {
        let files = FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        let swiftFiles = files.filter { $0.pathExtension == "swift" }
        #expect(swiftFiles.count > 50, "the sources were found")
        let pattern = try Regex(#"Mutex<\(*\s*(@Sendable\s*)?\([^)]*\)\s*(throws\s*)?->"#)
        var offenders: [String] = []
        for file in swiftFiles {
            let text = try String(contentsOf: file, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(pattern) {
                offenders.append("\(file.lastPathComponent):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }

    /// The module picture (docs/architecture.md): the emulated platform knows no transport, and
    /// only the wrappers (AXPSimHTTP, AXPSimWebSocket, AXPSimOpenSSL) touch the C libraries.
    @Test func modulesImportOnlyWhatTheirLayerMay() throws {
        let forbidden: [String: [String]] = [
            // Storage code (SQL, GRDB) lives in AXPSimStore only.
            "AXPSimChat": ["AXPSimHTTP", "AXPSimWebSocket", "AXPSimServer", "AXPSimTLS", "CMicroHTTPD", "CWebSockets", "COpenSSL", "GRDB"],
            // RS256 signing goes through AXPSimOpenSSL, which holds every unsafe OpenSSL call.
            "AXPSimAuth": ["CMicroHTTPD", "CWebSockets", "COpenSSL"],
            "AXPSimCore": ["AXPSimStore", "AXPSimChat", "AXPSimHTTP", "AXPSimWebSocket", "AXPSimServer", "GRDB"],
            "AXPSimStore": ["AXPSimChat", "AXPSimHTTP", "AXPSimWebSocket", "AXPSimServer"],
            "AXPSimServer": ["CMicroHTTPD", "CWebSockets", "COpenSSL", "GRDB"],
        ]
        var offenders: [String] = []
        for (module, modules) in forbidden {
            let folder = Self.sources.appendingPathComponent(module)
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
            #expect(!files.isEmpty, "\(module) has sources")
            for file in files where file.pathExtension == "swift" {
                let text = try String(contentsOf: file, encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ").map(String.init)
                    guard let index = words.firstIndex(of: "import"), index + 1 < words.count else { continue }
                    if modules.contains(words[index + 1]) { offenders.append("\(module)/\(file.lastPathComponent): \(line)") }
                }
            }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }
}
