import AXPSimCore
import AXPSimHTTP
import Foundation
import Synchronization
import AXPSimStore
import Logging

/// Request dispatch: CORS, the control-plane guard, routing, error mapping and the journal.
extension Emulator {
    /// Entry point of every HTTP request (on an MHD worker thread).
    func handle(_ request: HTTPRequest) -> HTTPResult {
        let started = Date()
        let result = dispatch(request)
        switch result {
        case .respond(let response):
            let decorated = decorate(response, for: request)
            record(request, decorated, started: started)
            return .respond(decorated)
        case .suspend, .drop:
            return result
        }
    }

    /// Finishes a held request: CORS headers and the journal (used by long polls).
    func finishHeld(_ request: HTTPRequest, _ response: HTTPResponse, started: Date) -> HTTPResponse {
        let decorated = decorate(response, for: request)
        record(request, decorated, started: started)
        return decorated
    }

    private func record(_ request: HTTPRequest, _ response: HTTPResponse, started: Date) {
        let code = response.headers.first { $0.0 == "X-AXPSim-Error-Code" }?.1
        journal.record(
            method: request.method, path: request.path, status: response.status, duration: Date().timeIntervalSince(started),
            remoteAddress: request.remoteAddress, code: code)
    }

    private func dispatch(_ request: HTTPRequest) -> HTTPResult {
        if request.method == "OPTIONS" { return .respond(preflight(request)) }
        let isControl = request.path == "/__sim" || request.path.hasPrefix("/__sim/")
        if isControl, let denied = controlDenial(request) { return .respond(JSONResponses.problem(denied)) }
        let method = request.method == "HEAD" ? "GET" : request.method
        if !isControl, let action = faults.action(method: method, path: request.path) {
            switch action {
            case .status(let status): return .respond(JSONResponses.problem(.faultInjected(status: status)))
            case .drop, .closeSocket: return .drop
            case .delay(let milliseconds): return delayed(route(request, method: method), by: milliseconds, request: request)
            }
        }
        return route(request, method: method)
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

    private func route(_ request: HTTPRequest, method: String) -> HTTPResult {
        let match = routes.withLock { $0.router.match(method: method, path: request.path) }
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
            } catch let error as AXPSimError {
                return .respond(JSONResponses.problem(error))
            } catch {
                logger.error("unexpected error", metadata: ["path": "\(request.path)", "error": "\(error)"])
                return .respond(JSONResponses.problem(.internalError("\(error)")))
            }
        }
    }

    /// Why the control plane refuses this caller, or nil.
    func controlDenial(_ request: HTTPRequest) -> AXPSimError? {
        if let token = configuration.controlToken {
            guard let presented = request.bearerToken else {
                return .controlTokenRejected("The control plane needs Authorization: Bearer <control token>")
            }
            return constantTimeEquals(presented, token) ? nil : .controlTokenRejected("Wrong control token")
        }
        return request.isLoopback ? nil : .controlPlaneDenied("The control plane answers loopback clients only (start with --control-token to open it)")
    }

    // MARK: CORS

    /// The `Access-Control-Allow-Origin` value for `origin`, or nil when it is not allowed.
    func allowedOrigin(_ origin: String?) -> String? {
        guard let origin else { return nil }
        if configuration.corsOrigins.contains("*") { return origin }
        return configuration.corsOrigins.contains(origin) ? origin : nil
    }

    private func decorate(_ response: HTTPResponse, for request: HTTPRequest) -> HTTPResponse {
        var response = response
        if let origin = allowedOrigin(request.header("origin")) {
            response.setHeader("Access-Control-Allow-Origin", origin)
            response.setHeader("Access-Control-Allow-Credentials", "true")
            response.setHeader("Access-Control-Expose-Headers", "Location, X-AXPSim-Error-Code")
            response.setHeader("Vary", "Origin")
        }
        return response
    }

    private func preflight(_ request: HTTPRequest) -> HTTPResponse {
        var response = HTTPResponse.empty(204)
        let allowed = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].joined(separator: ", ")
        response.setHeader("Allow", allowed)
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
