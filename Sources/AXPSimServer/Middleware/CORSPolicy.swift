import AXPSimHTTP

/// Which browser origins may call the platform-shaped APIs (`--cors-origin`; `*` for any).
struct CORSPolicy: Sendable {
    let origins: [String]

    /// The `Access-Control-Allow-Origin` value for `origin`, or nil when it is not allowed.
    func allowedOrigin(_ origin: String?) -> String? {
        guard let origin else { return nil }
        if origins.contains("*") { return origin }
        return origins.contains(origin) ? origin : nil
    }
}

/// The headers every answer carries: `nosniff`; for the control plane and the console (and
/// unknown paths) `Cache-Control: no-store` and never CORS; for the platform-shaped APIs the CORS
/// headers of an allowed origin.
struct ResponseHeadersMiddleware: Middleware {
    let cors: CORSPolicy

    func respond(to request: HTTPRequest, context: RequestContext, next: NextResponder) -> HTTPResult {
        let origin = cors.allowedOrigin(request.header("origin"))
        return next(request, context).mapResponse { response in
            var response = response
            response.setHeader("X-Content-Type-Options", "nosniff")
            guard let group = context.group, !group.isGuarded else {
                // Control answers carry secrets: no browser or proxy keeps them.
                response.setHeader("Cache-Control", "no-store")
                return response
            }
            if let origin {
                response.setHeader("Access-Control-Allow-Origin", origin)
                response.setHeader("Access-Control-Allow-Credentials", "true")
                response.setHeader("Access-Control-Expose-Headers", "Location, X-AXPSim-Error-Code")
                response.setHeader("Vary", "Origin")
            }
            return response
        }
    }
}

/// Answers `OPTIONS`: `Allow` always; the CORS preflight headers only for an allowed origin on a
/// platform-shaped API (never the control plane or the console).
struct PreflightMiddleware: Middleware {
    let cors: CORSPolicy
    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].joined(separator: ", ")

    func respond(to request: HTTPRequest, context: RequestContext, next: NextResponder) -> HTTPResult {
        guard request.method == "OPTIONS" else { return next(request, context) }
        var response = HTTPResponse.empty(204)
        response.setHeader("Allow", Self.methods)
        guard let group = context.group, !group.isGuarded, request.header("access-control-request-method") != nil,
            cors.allowedOrigin(request.header("origin")) != nil
        else { return .respond(response) }
        response.setHeader("Access-Control-Allow-Methods", Self.methods)
        let requested = request.header("access-control-request-headers") ?? ""
        response.setHeader("Access-Control-Allow-Headers", requested.isEmpty ? "Authorization, appkey, Content-Type" : requested)
        response.setHeader("Access-Control-Max-Age", "600")
        return .respond(response)
    }
}
