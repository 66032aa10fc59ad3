internal import CWebSockets
import Foundation
import Synchronization

/// One `GET` over libwebsockets' HTTP client, for `axpsim wait`'s health checks: the binary then
/// needs no second HTTP stack (FoundationNetworking and the libcurl it brings, with its ~30
/// libraries, cost every start-up several milliseconds of dynamic loading).
public enum HTTPProbe {
    /// The answer: status and body.
    public struct Response: Sendable, Equatable {
        public let status: Int
        public let body: String
    }

    /// Why there is no answer.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Silences libwebsockets' own log lines for the whole process (for a command-line client that
    /// reports failures itself; a server in the same process would lose its library log too).
    public static func silenceLibraryLog() {
        axp_lws_silence()
    }

    /// `GET url` (http or https; https is checked against the system's trusted CAs) with an optional
    /// `Authorization` header; gives up after `timeout` seconds.
    public static func get(_ url: URL, authorization: String? = nil, timeout: TimeInterval = 2) -> Result<Response, Failure> {
        guard let scheme = url.scheme, scheme == "http" || scheme == "https", let host = url.host else {
            return .failure(Failure(description: "not an http or https URL"))
        }
        let tls = scheme == "https"
        let port = url.port ?? (tls ? 443 : 80)
        var path = url.path.isEmpty ? "/" : url.path
        if let query = url.query { path += "?" + query }
        let exchange = ProbeExchange(authorization: authorization)
        let box = Unmanaged.passRetained(exchange)
        defer { box.release() }
        var protocols: UnsafeMutablePointer<lws_protocols>?
        guard let context = axp_lws_create_client(probeCallback, box.toOpaque(), &protocols) else {
            return .failure(Failure(description: "cannot create an HTTP client context"))
        }
        defer {
            lws_context_destroy(context)
            free(protocols)
        }
        guard axp_lws_http_get(context, host, Int32(port), path, tls ? 1 : 0) != nil else {
            return .failure(Failure(description: "cannot connect to \(host):\(port)"))
        }
        let deadline = Date().addingTimeInterval(timeout)
        while !exchange.isDone, Date() < deadline {
            _ = lws_service(context, 50)
        }
        let result = exchange.result ?? .failure(Failure(description: "no answer within \(timeout) s"))
        if tls, case .failure(let failure) = result, failure.description.contains("SSL") {
            return .failure(Failure(description: "TLS: \(failure.description) (is the server's certificate trusted by this system? see `axpsim cert`)"))
        }
        return result
    }
}

/// What one probe has received; touched by the service loop's thread only (the calling thread).
final class ProbeExchange: @unchecked Sendable {
    let authorization: String?
    var status = 0
    var body = Data()
    var result: Result<HTTPProbe.Response, HTTPProbe.Failure>?
    var isDone: Bool { result != nil }

    init(authorization: String?) {
        self.authorization = authorization
    }

    func finish(_ outcome: Result<HTTPProbe.Response, HTTPProbe.Failure>) {
        if result == nil { result = outcome }
    }
}

/// The probe's libwebsockets callback (the context's user pointer is its ``ProbeExchange``).
func probeCallback(
    wsi: OpaquePointer?, reason: lws_callback_reasons, user: UnsafeMutableRawPointer?, input: UnsafeMutableRawPointer?, length: Int
) -> Int32 {
    guard let wsi, let context = lws_get_context(wsi), let pointer = lws_context_user(context) else { return 0 }
    let exchange = Unmanaged<ProbeExchange>.fromOpaque(pointer).takeUnretainedValue()
    switch reason {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
        guard let authorization = exchange.authorization, let input else { return 0 }
        return axp_lws_add_authorization(wsi, input, length, authorization) == 0 ? 0 : -1
    case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
        exchange.status = Int(lws_http_client_http_response(wsi))
        return 0
    case LWS_CALLBACK_RECEIVE_CLIENT_HTTP:
        return axp_lws_http_client_read(wsi) < 0 ? -1 : 0
    case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
        if let input, length > 0 { exchange.body.append(input.assumingMemoryBound(to: UInt8.self), count: length) }
        if exchange.body.count > 1 << 20 {
            exchange.finish(.failure(HTTPProbe.Failure(description: "the answer is larger than 1 MiB")))
            return -1
        }
        return 0
    case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
        exchange.finish(.success(HTTPProbe.Response(status: exchange.status, body: String(decoding: exchange.body, as: UTF8.self))))
        return 0
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        let text = input.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "connection failed"
        exchange.finish(.failure(HTTPProbe.Failure(description: text)))
        return 0
    case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
        exchange.finish(.failure(HTTPProbe.Failure(description: "the connection closed before the answer was complete")))
        return 0
    default:
        return lws_callback_http_dummy(wsi, reason, user, input, length)
    }
}
