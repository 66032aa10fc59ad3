import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import Foundation
import Synchronization

/// Who may use the control plane and the console (SPEC 6.1). Applied by the dispatcher to every
/// request whose *matched route* is in a guarded group, never by a prefix of the path.
///
/// - A request carrying an `Origin` other than the server's own is refused (403), whatever its
///   method or content type; so is one a browser marks `Sec-Fetch-Site: cross-site`/`same-site`,
///   except a plain top-level navigation (`GET`, `Sec-Fetch-Mode: navigate`), which can change
///   nothing. No web page the developer visits can read or drive the control plane.
/// - Without a control token: loopback peers only, and only when `Host` names a loopback address,
///   `localhost` (or a `.localhost` name), or the configured `--host` (no DNS rebinding).
/// - With a control token: `Authorization: Bearer <token>` (compared in constant time) or the
///   console's session cookie (HttpOnly, SameSite=Strict) set by ``ConsoleSessions`` after a login.
struct ControlGuard: Sendable {
    /// The control token, or nil for loopback-only.
    let token: String?
    /// Extra host names (besides loopback ones) the control plane answers for.
    let allowedHosts: Set<String>
    /// `https` when serving TLS.
    let scheme: String
    /// Console logins.
    let sessions: ConsoleSessions

    /// Name of the console's session cookie.
    static let cookieName = "axpsim_console"

    init(token: String?, configuredHosts: [String], tls: Bool, sessions: ConsoleSessions = ConsoleSessions()) {
        self.token = token
        self.scheme = tls ? "https" : "http"
        self.sessions = sessions
        let wildcard: Set<String> = ["0.0.0.0", "::", ""]
        allowedHosts = Set(configuredHosts.map { $0.lowercased() }.filter { !wildcard.contains($0) })
    }

    /// Why a request to a guarded route is refused, or nil. `needsCredential` is false for the
    /// console page and its login (they show a login form instead of answering 401).
    func denial(_ request: HTTPRequest, needsCredential: Bool = true) -> AXPSimError? {
        if let refused = browserDenial(request) { return refused }
        if token == nil {
            guard request.isLoopback else {
                return .controlPlaneDenied("The control plane answers loopback clients only (start with --control-token to open it)")
            }
            guard hostIsAllowed(request.header("host")) else {
                return .crossOriginDenied("The control plane answers only for localhost or a loopback address (Host header), not another name")
            }
            return nil
        }
        guard needsCredential else { return nil }
        return hasCredential(request) ? nil : credentialDenial(request)
    }

    /// True when the request carries the control token or a live console session cookie.
    func hasCredential(_ request: HTTPRequest) -> Bool {
        guard let token else { return true }
        if let presented = request.bearerToken, constantTimeEquals(presented, token) { return true }
        if let cookie = Self.cookie(Self.cookieName, in: request), sessions.isValid(cookie) { return true }
        return false
    }

    /// True when `candidate` is the control token (constant time).
    func isToken(_ candidate: String) -> Bool {
        guard let token else { return false }
        return constantTimeEquals(candidate, token)
    }

    private func credentialDenial(_ request: HTTPRequest) -> AXPSimError {
        request.bearerToken == nil
            ? .controlTokenRejected("The control plane needs Authorization: Bearer <control token> (or the console's login)")
            : .controlTokenRejected("Wrong control token")
    }

    /// Refuses requests that a browser made on behalf of another origin.
    private func browserDenial(_ request: HTTPRequest) -> AXPSimError? {
        if let origin = request.header("origin") {
            guard let own = ownOrigin(request), origin.lowercased() == own else {
                return .crossOriginDenied("The control plane refuses requests from another origin (\(origin))")
            }
        }
        if let site = request.header("sec-fetch-site")?.lowercased(), site == "cross-site" || site == "same-site" {
            let navigation = request.method == "GET" && request.header("sec-fetch-mode")?.lowercased() == "navigate"
            if !navigation { return .crossOriginDenied("The control plane refuses requests made by another site's page") }
        }
        return nil
    }

    /// `scheme://host[:port]` of this server as the client addressed it (from `Host`).
    private func ownOrigin(_ request: HTTPRequest) -> String? {
        guard let host = request.header("host"), !host.isEmpty else { return nil }
        return "\(scheme)://\(host.lowercased())"
    }

    /// True when `hostHeader` (with or without a port) names loopback, localhost or a configured host.
    func hostIsAllowed(_ hostHeader: String?) -> Bool {
        guard let hostHeader, !hostHeader.isEmpty else { return true }  // HTTP/1.0 without Host: no browser sends that
        let name = Self.hostName(hostHeader).lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" { return true }
        if allowedHosts.contains(name) { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// The host part of a `Host` header: `[::1]:80` → `::1`, `localhost:8080` → `localhost`.
    static func hostName(_ header: String) -> String {
        if header.hasPrefix("["), let close = header.firstIndex(of: "]") {
            return String(header[header.index(after: header.startIndex)..<close])
        }
        return header.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? header
    }

    /// The value of cookie `name` in the request's `Cookie` header.
    static func cookie(_ name: String, in request: HTTPRequest) -> String? {
        guard let header = request.header("cookie") else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}

/// Console logins: random session ids handed out as an HttpOnly, SameSite=Strict cookie after the
/// control token was typed into the login form. Kept in memory (a restart asks to log in again),
/// bounded, each valid for ``lifetime``.
final class ConsoleSessions: Sendable {
    /// How long a login lasts.
    static let lifetime: TimeInterval = 12 * 3600
    /// Most logins kept; the oldest goes first.
    static let capacity = 256

    private let sessions = Mutex<[String: Date]>([:])

    init() {}

    /// Starts a session and returns its id.
    func create(now: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value > now }
            if sessions.count >= Self.capacity, let oldest = sessions.min(by: { $0.value < $1.value })?.key {
                sessions[oldest] = nil
            }
            sessions[id] = now.addingTimeInterval(Self.lifetime)
        }
        return id
    }

    /// True when `id` is a live session.
    func isValid(_ id: String, now: Date = Date()) -> Bool {
        sessions.withLock { sessions in
            guard let expiry = sessions.first(where: { constantTimeEquals($0.key, id) })?.value else { return false }
            return expiry > now
        }
    }

    /// Ends a session.
    func remove(_ id: String) {
        sessions.withLock { _ = $0.removeValue(forKey: id) }
    }
}
