import AXPSimChat
import AXPSimHTTP
import Synchronization

/// The base of the absolute URLs axpsim writes for clients (upload and attachment URLs, the Chat
/// SDK's `links.next`): `https://{--public-host}` when one is set (the name the Omni SDK must
/// use), else the scheme and `Host` the request came with, else the bound URL.
struct PublicBase: Sendable {
    let publicHost: String?
    /// The bound base URL (`http[s]://host:port`).
    let bound: SharedText

    func url(for request: HTTPRequest?) -> String {
        if let publicHost { return "https://\(publicHost)" }
        let base = bound.value.withLock { $0 }
        guard let host = request?.header("host"), !host.isEmpty else { return base }
        return "\(base.hasPrefix("https") ? "https" : "http")://\(host)"
    }
}
