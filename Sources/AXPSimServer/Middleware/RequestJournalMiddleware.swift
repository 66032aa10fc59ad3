import AXPSimHTTP
import Foundation

/// Records every answered request in the bounded journal (`GET /__sim/requests`), held ones when
/// they are answered.
struct RequestJournalMiddleware: Middleware {
    let journal: RequestJournal

    func respond(to request: HTTPRequest, context: RequestContext, next: NextResponder) -> HTTPResult {
        next(request, context).mapResponse { [journal] response in
            journal.record(
                method: request.method, path: request.rawPath, status: response.status, duration: Date().timeIntervalSince(context.started),
                remoteAddress: request.remoteAddress, code: response.headers.first { $0.0 == "X-AXPSim-Error-Code" }?.1)
            return response
        }
    }
}
