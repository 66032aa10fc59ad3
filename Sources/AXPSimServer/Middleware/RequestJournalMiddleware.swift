import AXPSimHTTP
import Foundation

/// Records every answered request in the bounded journal (`GET /__sim/requests`), held ones when
/// they are answered.
struct RequestJournalMiddleware: Middleware {
    let journal: RequestJournal

    func respond(to request: HTTPRequest, context: RequestContext, next: NextResponder) -> HTTPResult {
        // Only what the entry needs is kept until the answer (a held poll's request, JWT
        // included, would otherwise stay in memory for the whole hold).
        let (method, path, remoteAddress) = (request.method, request.rawPath, request.remoteAddress)
        return next(request, context).mapResponse { [journal] response in
            journal.record(
                method: method, path: path, status: response.status, duration: Date().timeIntervalSince(context.started),
                remoteAddress: remoteAddress, code: response.headers.first { $0.0 == "X-AXPSim-Error-Code" }?.1)
            return response
        }
    }
}
