import AXPSimChat
import AXPSimHTTP
import Foundation
import AXPSimCore
import Logging
import AXPSimStore

/// A route's handler: answers now or holds the request.
typealias RouteHandler = @Sendable (HTTPRequest) throws -> HTTPResult

/// Which API a route belongs to; decides error shape, guards and documentation.
enum RouteGroup: String, Sendable {
    /// OAuth token endpoints (Keycloak's error shape).
    case oauth
    /// The platform's back-end REST API.
    case backend
    /// The Chat SDK API.
    case sdk
    /// `/__sim` control plane: the full guard (SPEC 6.1).
    case control
    /// The console page and its login: the host and origin checks of the guard; the page itself
    /// asks for the token (login form) instead of answering 401.
    case console
    /// Public documents (JWKS).
    case meta

    /// True for the groups the control-plane guard protects; they never answer CORS.
    var isGuarded: Bool { self == .control || self == .console }
}

/// A registered route with what the OpenAPI document says of it.
struct RouteEntry: Sendable {
    let group: RouteGroup
    let summary: String
    let doc: RouteDoc
    let handler: RouteHandler
}

/// The emulator's routes, built once at start.
struct RouteTable: Sendable {
    private(set) var router = Router<RouteEntry>()
    /// Every route in registration order, for the OpenAPI document.
    private(set) var operations: [(method: String, pattern: String, entry: RouteEntry)] = []

    /// Registers a route; `doc` says what the OpenAPI document tells of it.
    mutating func add(
        _ method: String, _ pattern: String, _ group: RouteGroup, _ summary: String, _ doc: RouteDoc, _ handler: @escaping RouteHandler
    ) {
        let entry = RouteEntry(group: group, summary: summary, doc: doc, handler: handler)
        router.add(method, pattern, entry)
        operations.append((method.uppercased(), pattern, entry))
    }

    /// Registers an SDK route whose handler runs only for an authenticated caller: `authentication`
    /// checks the chat JWT, app key and path integration first (401/403/404 before the handler).
    mutating func add(
        _ method: String, _ pattern: String, _ group: RouteGroup, _ summary: String, _ doc: RouteDoc, _ authentication: SDKAuthentication,
        _ handler: @escaping @Sendable (HTTPRequest, SDKCaller) throws -> HTTPResult
    ) {
        add(method, pattern, group, summary, doc) { request in try handler(request, try authentication.authenticate(request)) }
    }

    /// The group of the routes that `path` names (whatever the method), or nil when none does.
    func group(ofPath path: String) -> RouteGroup? {
        router.anyHandler(path: path)?.group
    }
}

