import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import Foundation
import Synchronization
import AXPSimStore
import Logging

/// Request dispatch, in order: canonical path, route lookup, the control-plane guard (decided by
/// the matched route's group), CORS preflight, faults, the handler, error mapping, CORS headers
/// (platform-shaped APIs only) and the journal.
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
        // One route lookup per request: the match decides the guard and then runs.
        let method = request.method == "HEAD" ? "GET" : request.method
        let match = request.pathProblem == nil ? routes.withLock { $0.router.match(method: method, path: request.path) } : .notFound
        let group: RouteGroup?
        if case .found(let entry, _, _) = match { group = entry.group } else { group = routeGroup(of: request) }
        let result = dispatch(request, method: method, match: match, group: group)
        switch result {
        case .respond(let response):
            let decorated = decorate(response, for: request, group: group)
            record(request, decorated, started: started)
            return .respond(decorated)
        case .suspend, .drop:
            return result
        }
    }

    /// Finishes a held request: CORS headers and the journal (used by long polls).
    func finishHeld(_ request: HTTPRequest, _ response: HTTPResponse, started: Date) -> HTTPResponse {
        let decorated = decorate(response, for: request, group: routeGroup(of: request))
        record(request, decorated, started: started)
        return decorated
    }

    private func record(_ request: HTTPRequest, _ response: HTTPResponse, started: Date) {
        let code = response.headers.first { $0.0 == "X-AXPSim-Error-Code" }?.1
        journal.record(
            method: request.method, path: request.rawPath, status: response.status, duration: Date().timeIntervalSince(started),
            remoteAddress: request.remoteAddress, code: code)
    }

    /// The group of the route the request's path names; an unknown path under `/__sim` counts as
    /// control (so probing it needs the same credentials), any other unknown path as nothing.
    func routeGroup(of request: HTTPRequest) -> RouteGroup? {
        guard request.pathProblem == nil else { return nil }
        if let group = routes.withLock({ $0.group(ofPath: request.path) }) { return group }
        return request.path == "/__sim" || request.path.hasPrefix("/__sim/") ? .control : nil
    }

    private func dispatch(_ request: HTTPRequest, method: String, match: Router<RouteEntry>.Match, group: RouteGroup?) -> HTTPResult {
        if let problem = request.pathProblem { return .respond(JSONResponses.problem(.nonCanonicalPath(problem.description))) }
        if let group, group.isGuarded, let denied = controlGuard.denial(request, needsCredential: group == .control) {
            return .respond(JSONResponses.problem(denied))
        }
        if request.method == "OPTIONS" { return .respond(preflight(request, group: group)) }
        if !(group?.isGuarded ?? false), let action = faults.action(method: method, path: request.path) {
            switch action {
            case .status(let status): return .respond(JSONResponses.problem(.faultInjected(status: status)))
            case .drop, .closeSocket: return .drop
            case .delay(let milliseconds): return delayed(route(request, match), by: milliseconds, request: request)
            }
        }
        return route(request, match)
    }

    /// Holds an answer back for `milliseconds` without holding a thread.
    private func delayed(_ result: HTTPResult, by milliseconds: Int, request: HTTPRequest) -> HTTPResult {
        guard case .respond(let response) = result else { return result }
        let pending = PendingResponse()
        let started = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { [weak self] in
            pending.fulfill(self?.finishHeld(request, response, started: started) ?? response)
        }
        return .suspend(pending)
    }

    private func route(_ request: HTTPRequest, _ match: Router<RouteEntry>.Match) -> HTTPResult {
        switch match {
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
                return .respond(errorResponse(error, path: request.path))
            }
        }
    }

    /// The problem answer for an error a handler threw; anything but an ``AXPSimError`` (a store
    /// failure) is logged and answered 500 `internal_error`.
    func errorResponse(_ error: any Error, path: String) -> HTTPResponse {
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
    func answerLater(_ request: HTTPRequest, _ work: @escaping @Sendable () throws -> HTTPResponse) -> HTTPResult {
        let pending = PendingResponse()
        let started = Date()
        DispatchQueue.global().async { [weak self] in
            guard let self else {
                pending.fulfill(.empty(503))
                return
            }
            let response: HTTPResponse
            do {
                response = try work()
            } catch {
                response = self.errorResponse(error, path: request.path)
            }
            pending.fulfill(self.finishHeld(request, response, started: started))
        }
        return .suspend(pending)
    }

    // MARK: CORS (platform-shaped APIs only; never the control plane or the console)

    /// The `Access-Control-Allow-Origin` value for `origin`, or nil when it is not allowed.
    func allowedOrigin(_ origin: String?) -> String? {
        guard let origin else { return nil }
        if configuration.corsOrigins.contains("*") { return origin }
        return configuration.corsOrigins.contains(origin) ? origin : nil
    }

    private func decorate(_ response: HTTPResponse, for request: HTTPRequest, group: RouteGroup?) -> HTTPResponse {
        var response = response
        response.setHeader("X-Content-Type-Options", "nosniff")
        if group?.isGuarded ?? true {
            // Control answers carry secrets: no browser or proxy keeps them.
            response.setHeader("Cache-Control", "no-store")
            return response
        }
        guard let group else { return response }
        if let origin = allowedOrigin(request.header("origin")) {
            response.setHeader("Access-Control-Allow-Origin", origin)
            response.setHeader("Access-Control-Allow-Credentials", "true")
            response.setHeader("Access-Control-Expose-Headers", "Location, X-AXPSim-Error-Code")
            response.setHeader("Vary", "Origin")
        }
        return response
    }

    private func preflight(_ request: HTTPRequest, group: RouteGroup?) -> HTTPResponse {
        var response = HTTPResponse.empty(204)
        let allowed = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].joined(separator: ", ")
        response.setHeader("Allow", allowed)
        guard let group, !group.isGuarded else { return response }
        guard request.header("access-control-request-method") != nil else { return response }
        guard allowedOrigin(request.header("origin")) != nil else { return response }
        response.setHeader("Access-Control-Allow-Methods", allowed)
        let requested = request.header("access-control-request-headers") ?? ""
        response.setHeader("Access-Control-Allow-Headers", requested.isEmpty ? "Authorization, appkey, Content-Type" : requested)
        response.setHeader("Access-Control-Max-Age", "600")
        return response
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
