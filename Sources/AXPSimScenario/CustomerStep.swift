import AXPSimCore
/// One step of the customer side of a scenario, for headless runs and replays. Each case documents its
/// YAML form; ``kind`` is the step's YAML key.
///
/// A customer may chat from several devices (sessions) at once: `chat.start` opens the first (its
/// `device`, default ``defaultDevice``), `join` adds another. A step without `device` acts on the device
/// that started the chat (``Scenario/primaryDevice``).
public enum CustomerStep: Sendable, Equatable, Codable {
    /// `chat.start: {}` or `chat.start: {device: laptop, parameters: {topic: refund}}` — mint a JWT, open
    /// a session and create the chat (the first customer step; once per scenario).
    /// `sessionParameters` (the SDK's session), `verified` and `customerIdentifiers` (the JWT's
    /// verified customer) are the rest of the context data routing rules read.
    case chatStart(device: String?, parameters: [String: String], context: ChatStartContext = ChatStartContext())
    /// `join: {device: phone}` — another session of the same customer joins the chat.
    case join(device: String)
    /// `after: 25s` — wait on the account clock (forms as ``ScenarioStep/after(seconds:)``).
    case after(seconds: Double)
    /// `say: "text"` or `say: {text: "…", device: phone}` — the customer sends a message.
    case say(text: String, device: String?)
    /// `token.refresh: {}` or `{device: phone}` — fetch a new JWT and give it to the session (setJwtToken).
    case tokenRefresh(device: String?)
    /// `reconnect: {}` or `{device: phone}` — reopen the event socket with `lastEventId` after a drop.
    case reconnect(device: String?)
    /// `disconnect: {}` or `{device: phone}` — the customer ends the chat.
    case disconnect(device: String?)
    /// `expect.agent: {matches: "(?i)hello", within: 1m}` or `{equals: "…"}` — wait for an agent or bot
    /// message that matches, on any of the customer's devices. Messages are scanned in order from just
    /// after the one the previous `expect.agent` matched (from the chat's start for the first), so one
    /// that arrived before this step still counts. A miss fails the run. Without `within` the wait lasts
    /// until the chat ends.
    case expectAgent(matcher: TextMatcher, within: Double?)

    /// The device of a `chat.start` without `device`.
    public static let defaultDevice = "main"

    /// Every customer step kind, as written in YAML.
    public static let kinds = ["chat.start", "join", "after", "say", "token.refresh", "reconnect", "disconnect", "expect.agent"]

    /// The step's YAML key, one of ``kinds``.
    public var kind: String {
        switch self {
        case .chatStart: "chat.start"
        case .join: "join"
        case .after: "after"
        case .say: "say"
        case .tokenRefresh: "token.refresh"
        case .reconnect: "reconnect"
        case .disconnect: "disconnect"
        case .expectAgent: "expect.agent"
        }
    }

    /// The device the step names explicitly (nil: the primary device, or a step without a device).
    public var device: String? {
        switch self {
        case .chatStart(let device, _, _), .say(_, let device), .tokenRefresh(let device), .reconnect(let device), .disconnect(let device):
            device
        case .join(let device): device
        case .after, .expectAgent: nil
        }
    }
}

/// The context data of a headless chat besides its engagement parameters: what the page gives the
/// SDK's session, and what the back end puts in the JWT about the customer.
public struct ChatStartContext: Sendable, Equatable, Codable {
    public var sessionParameters: [String: String]
    public var verified: Bool
    /// Kept only for a verified customer (as the platform does).
    public var customerIdentifiers: [String: [String]]

    public init(sessionParameters: [String: String] = [:], verified: Bool = false, customerIdentifiers: [String: [String]] = [:]) {
        self.sessionParameters = sessionParameters
        self.verified = verified
        self.customerIdentifiers = customerIdentifiers
    }

    /// True when nothing is given.
    public var isEmpty: Bool { self == ChatStartContext() }
}
