import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import Foundation

/// Injected HTTP faults (`/__sim/faults`) on the platform-shaped APIs, never on the guarded ones:
/// a status, a dropped connection, or a delay that holds the answer without holding a thread.
struct FaultMiddleware: Middleware {
    let faults: FaultInjector

    func respond(to request: HTTPRequest, context: RequestContext, next: NextResponder) -> HTTPResult {
        guard !(context.group?.isGuarded ?? false), let action = faults.action(method: context.method, path: request.path) else {
            return next(request, context)
        }
        switch action {
        case .status(let status):
            return .respond(JSONResponses.problem(.faultInjected(status: status)))
        case .drop, .closeSocket:
            return .drop
        case .delay(let milliseconds):
            let result = next(request, context)
            guard case .respond(let response) = result else { return result }
            let pending = PendingResponse()
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { pending.fulfill(response) }
            return .suspend(pending)
        }
    }
}
