import AXPSimCore
import AXPSimHTTP
import Foundation
import Logging

/// Turns what a handler threw into its answer: an ``AXPSimError`` into its problem (SPEC 9);
/// anything else (a store failure) is logged and answered 500 `internal_error`.
struct ErrorResponder: Sendable {
    let logger: Logger

    func response(for error: any Error, path: String) -> HTTPResponse {
        guard let error = error as? AXPSimError else {
            logger.error("unexpected error", metadata: ["path": "\(path)", "error": "\(error)"])
            return JSONResponses.problem(.internalError("\(error)"))
        }
        if case .internalError = error {
            logger.error("internal error", metadata: ["path": "\(path)", "error": "\(error.detail)"])
        }
        return JSONResponses.problem(error)
    }

    /// Runs `work` off the HTTP worker thread and answers with its result: the request is held
    /// (suspended, no thread) meanwhile. For long work such as a clock advance that settles every
    /// timer and scenario step it causes.
    func later(_ request: HTTPRequest, _ work: @escaping @Sendable () throws -> HTTPResponse) -> HTTPResult {
        let pending = PendingResponse()
        DispatchQueue.global().async {
            do {
                pending.fulfill(try work())
            } catch {
                pending.fulfill(response(for: error, path: request.path))
            }
        }
        return .suspend(pending)
    }
}
