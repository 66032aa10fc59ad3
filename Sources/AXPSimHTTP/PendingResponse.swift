import Foundation
import Synchronization

/// A response that will be known later, for requests held open (long polls). The HTTP server
/// suspends the connection; any thread may call ``fulfill(_:)`` once, which resumes it.
public final class PendingResponse: Sendable {
    enum State {
        case waiting
        case suspended(resume: @Sendable () -> Void)
        case fulfilled(HTTPResponse)
        case delivered
    }

    let state = Mutex(State.waiting)

    public init() {}

    /// Supplies the response; later calls are ignored. Returns whether this call supplied it.
    @discardableResult
    public func fulfill(_ response: HTTPResponse) -> Bool {
        let (supplied, resume): (Bool, (@Sendable () -> Void)?) = state.withLock { state in
            switch state {
            case .waiting:
                state = .fulfilled(response)
                return (true, nil)
            case .suspended(let resume):
                state = .fulfilled(response)
                return (true, resume)
            case .fulfilled, .delivered:
                return (false, nil)
            }
        }
        resume?()
        return supplied
    }

    /// True once a response was supplied.
    public var isFulfilled: Bool {
        state.withLock {
            switch $0 {
            case .fulfilled, .delivered: true
            case .waiting, .suspended: false
            }
        }
    }

    /// Waits for the response (for callers without a connection, such as in-process tests). Takes
    /// the response as the server would: call it once per pending response.
    public func response() async -> HTTPResponse {
        await withCheckedContinuation { (continuation: CheckedContinuation<HTTPResponse, Never>) in
            let ready = takeOrSuspend(
                suspend: {},
                resume: { [self] in
                    if let response = self.take() { continuation.resume(returning: response) }
                })
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// A pending response that is this one's, transformed: what a middleware returns to decorate
    /// an answer supplied later (headers, the request journal). The returned one is what the
    /// server holds; call it once per pending response, as the server's own take.
    public func map(_ transform: @escaping @Sendable (HTTPResponse) -> HTTPResponse) -> PendingResponse {
        let mapped = PendingResponse()
        let ready = takeOrSuspend(
            suspend: {},
            resume: { [self] in
                if let response = self.take() { mapped.fulfill(transform(response)) }
            })
        if let ready { mapped.fulfill(transform(ready)) }
        return mapped
    }

    /// Called by the server on the connection's thread: either the response is already there
    /// (returned, nothing to suspend) or `suspend` is run under the lock and `resume` remembered.
    func takeOrSuspend(suspend: () -> Void, resume: @escaping @Sendable () -> Void) -> HTTPResponse? {
        state.withLock { state in
            switch state {
            case .fulfilled(let response):
                state = .delivered
                return response
            case .waiting:
                suspend()
                state = .suspended(resume: resume)
                return nil
            case .suspended, .delivered:
                return nil
            }
        }
    }

    /// Called by the server when the resumed connection asks again.
    func take() -> HTTPResponse? {
        state.withLock { state in
            if case .fulfilled(let response) = state {
                state = .delivered
                return response
            }
            return nil
        }
    }
}
