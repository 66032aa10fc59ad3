import AXPSimHTTP

/// The control-plane guard (SPEC 6.1) on the routes of guarded groups: the control plane needs a
/// credential; the console only the host and origin checks (its page asks for the token).
struct ControlGuardMiddleware: Middleware {
    let controlGuard: ControlGuard

    func respond(to request: HTTPRequest, context: RequestContext, next: NextResponder) -> HTTPResult {
        if let group = context.group, group.isGuarded, let denied = controlGuard.denial(request, needsCredential: group == .control) {
            return .respond(JSONResponses.problem(denied))
        }
        return next(request, context)
    }
}
