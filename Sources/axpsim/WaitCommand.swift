import AXPSimWebSocket
import ArgumentParser
import Foundation

/// `axpsim wait`: for CI scripts — waits until an emulator answers healthy, or says why not.
struct WaitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait until an axpsim is ready and healthy (exit 0), or say why not (exit 1).",
        discussion: """
            Give the server's base URL (--url http://127.0.0.1:8080) or the --ready-file it writes. \
            Healthy means GET /__sim/health answers 200 with status ok. https URLs are checked against \
            the system's trusted CAs (trust axpsim's CA with `axpsim cert`).
            """)

    @Option(name: .long, help: "The server's base URL, e.g. http://127.0.0.1:8080.") var url: String?
    @Option(name: .customLong("ready-file"), help: "The --ready-file of the server: wait for it, then use its httpUrl.") var readyFile: String?
    @Option(name: .long, help: "Seconds to wait at most (default 30).") var timeout: Double = 30
    @Option(name: .customLong("control-token"), help: "The server's --control-token, if it has one (env AXPSIM_CONTROL_TOKEN).")
    var controlToken: String?

    func validate() throws {
        if (url == nil) == (readyFile == nil) { throw ValidationError("give exactly one of --url and --ready-file") }
        if !(timeout > 0 && timeout <= 3600) { throw ValidationError("--timeout must be more than 0 and at most 3600 seconds") }
        if let url, URL(string: url)?.scheme.map({ ["http", "https"].contains($0) }) != true {
            throw ValidationError("--url must be an http or https URL, e.g. http://127.0.0.1:8080")
        }
    }

    func run() throws {
        HTTPProbe.silenceLibraryLog()  // each failure's reason is reported below, once
        let deadline = Date().addingTimeInterval(timeout)
        var reason = "nothing answered yet"
        while Date() < deadline {
            switch resolveBase() {
            case .failure(let problem):
                reason = problem.text
            case .success(let base):
                switch probe(base) {
                case .success:
                    print("axpsim at \(base) is ready")
                    return
                case .failure(let problem):
                    reason = "\(base): \(problem.text)"
                }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        FileHandle.standardError.write(Data("axpsim wait: not ready after \(timeout) s: \(reason)\n".utf8))
        throw ExitCode(1)
    }

    /// The base URL: `--url`, or the ready file's `httpUrl` once the file exists.
    private func resolveBase() -> Result<String, WaitProblem> {
        if let url { return .success(url.hasSuffix("/") ? String(url.dropLast()) : url) }
        guard let readyFile else { return .failure(WaitProblem("no --url or --ready-file")) }
        guard let data = FileManager.default.contents(atPath: readyFile) else { return .failure(WaitProblem("\(readyFile) does not exist yet")) }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            return .failure(WaitProblem("\(readyFile) is not JSON (yet?): \(error.localizedDescription)"))
        }
        guard let fields = object as? [String: Any], let base = fields["httpUrl"] as? String else {
            return .failure(WaitProblem("\(readyFile) has no httpUrl (is it an axpsim --ready-file?)"))
        }
        return .success(base)
    }

    /// One health check: 200 with `"status":"ok"`, else why not (over libwebsockets' HTTP client:
    /// the binary carries no second HTTP stack).
    private func probe(_ base: String) -> Result<Void, WaitProblem> {
        guard let url = URL(string: base + "/__sim/health") else { return .failure(WaitProblem("not a URL")) }
        let token = controlToken ?? ProcessInfo.processInfo.environment["AXPSIM_CONTROL_TOKEN"]
        switch HTTPProbe.get(url, authorization: token.map { "Bearer \($0)" }, timeout: 2) {
        case .failure(let failure):
            return .failure(WaitProblem(failure.description))
        case .success(let response) where response.status == 200 && response.body.contains("\"status\":\"ok\""):
            return .success(())
        case .success(let response):
            return .failure(WaitProblem("health answered \(response.status): \(response.body.prefix(200))"))
        }
    }
}

/// Why the server is not ready yet.
struct WaitProblem: Error {
    let text: String

    init(_ text: String) {
        self.text = text
    }
}
