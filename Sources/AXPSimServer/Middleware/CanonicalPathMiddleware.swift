import AXPSimCore
import AXPSimHTTP

/// Refuses a path that is not in canonical form (`//`, dot segments, escaped `/` or unreserved
/// characters…) with 400 `non_canonical_path`, before anything reads it.
struct CanonicalPathMiddleware: Middleware {
    func respond(to request: HTTPRequest, context: RequestContext, next: NextResponder) -> HTTPResult {
        if let problem = request.pathProblem { return .respond(JSONResponses.problem(.nonCanonicalPath(problem.description))) }
        return next(request, context)
    }
}
