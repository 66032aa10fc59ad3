import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import Foundation

/// Request dispatch: one route lookup, then the middleware chain (journal, response headers,
/// canonical path, control guard, preflight, faults) and the route's handler.
extension Emulator {
    /// Answers one request through exactly the dispatch the HTTP server uses (guard, faults,
    /// routes, CORS, journal), without a socket: for in-process callers such as `AXPSimTesting`.
    /// A held request (long poll) comes back as ``HTTPResult/suspend(_:)``; a dropped one (fault
    /// rule) as ``HTTPResult/drop``.
    public func dispatch(_ request: HTTPRequest) -> HTTPResult {
        handle(request)
    }

    /// Entry point of every HTTP request (on an MHD worker thread).
    func handle(_ request: HTTPRequest) -> HTTPResult {
        let started = Date()
        let method = request.method == "HEAD" ? "GET" : request.method
        let (match, group) = routes.read { table -> (Router<RouteEntry>.Match, RouteGroup?) in
            guard request.pathProblem == nil else { return (.notFound, nil) }
            let match = table.router.match(method: method, path: request.path)
            if case .found(let entry, _, _) = match { return (match, entry.group) }
            if let group = table.group(ofPath: request.path) { return (match, group) }
            return (match, request.path == "/__sim" || request.path.hasPrefix("/__sim/") ? .control : nil)
        }
        return middleware.respond(to: request, context: RequestContext(started: started, method: method, match: match, group: group))
    }

    /// The chain every request goes through, in order.
    static func middlewareChain(journal: RequestJournal, controlGuard: ControlGuard, faults: FaultInjector, cors: CORSPolicy, errors: ErrorResponder)
        -> MiddlewareChain
    {
        MiddlewareChain(
            middlewares: [
                RequestJournalMiddleware(journal: journal), ResponseHeadersMiddleware(cors: cors), CanonicalPathMiddleware(),
                ControlGuardMiddleware(controlGuard: controlGuard), PreflightMiddleware(cors: cors), FaultMiddleware(faults: faults),
            ], endpoint: RouteEndpoint(errors: errors))
    }
}

/// Compares secrets without an early exit on the first difference.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    var difference = UInt8(x.count == y.count ? 0 : 1)
    for index in 0..<min(x.count, y.count) { difference |= x[index] ^ y[index] }
    return difference == 0
}
