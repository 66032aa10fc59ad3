import Foundation
import Synchronization

/// Runs async work to completion from a synchronous, non-cooperative thread (an HTTP worker).
/// jwt-kit's API is async while libmicrohttpd calls handlers synchronously; the work itself runs
/// on the cooperative pool, so waiting here cannot starve it.
func runBlocking<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let result = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await operation())
        } catch {
            outcome = .failure(error)
        }
        result.withLock { $0 = outcome }
        done.signal()
    }
    done.wait()
    guard let outcome = result.withLock({ $0 }) else { throw CancellationError() }
    return try outcome.get()
}
