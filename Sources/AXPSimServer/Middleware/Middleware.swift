import AXPSimCore
import AXPSimHTTP
import Foundation

/// What the dispatcher knows of a request before the middleware run: when it came and which
/// route its path names (looked up once; the guard, CORS and the handler all read this match).
struct RequestContext: Sendable {
    let started: Date
    /// The method routes answer to (`HEAD` as `GET`).
    let method: String
    let match: Router<RouteEntry>.Match
    /// The API of the route the path names; an unknown `/__sim/...` path counts as control, any
    /// other unknown path as none.
    let group: RouteGroup?
}

/// The rest of the chain after a middleware.
typealias NextResponder = (HTTPRequest, RequestContext) -> HTTPResult

/// One thing every request goes through (Hummingbird's `RouterMiddleware`, synchronous here: a
/// handler runs on a libmicrohttpd worker and holds work with ``HTTPResult/suspend(_:)``). A
/// middleware answers itself, or calls `next` and may transform what comes back — also an answer
/// supplied later, through ``HTTPResult/mapResponse(_:)``.
protocol Middleware: Sendable {
    func respond(to request: HTTPRequest, context: RequestContext, next: NextResponder) -> HTTPResult
}

/// Middleware in order, then the route's handler.
struct MiddlewareChain: Sendable {
    let middlewares: [any Middleware]
    let endpoint: RouteEndpoint

    func respond(to request: HTTPRequest, context: RequestContext) -> HTTPResult {
        run(0, request, context)
    }

    private func run(_ index: Int, _ request: HTTPRequest, _ context: RequestContext) -> HTTPResult {
        guard index < middlewares.count else { return endpoint.respond(to: request, context: context) }
        return middlewares[index].respond(to: request, context: context) { request, context in run(index + 1, request, context) }
    }
}

/// The end of the chain: the matched route's handler, or 404/405; a thrown error becomes its
/// problem answer.
struct RouteEndpoint: Sendable {
    let errors: ErrorResponder

    func respond(to request: HTTPRequest, context: RequestContext) -> HTTPResult {
        switch context.match {
        case .notFound:
            return .respond(JSONResponses.problem(.routeNotFound(path: request.path)))
        case .methodNotAllowed(let allowed):
            return .respond(JSONResponses.problem(.methodNotAllowed(allowed: allowed)))
        case .found(let entry, let parameters, _):
            var routed = request
            routed.pathParameters = parameters
            do {
                return try entry.handler(routed)
            } catch {
                return .respond(errors.response(for: error, path: request.path))
            }
        }
    }
}
