import AXPSimCore
/// One step of the contact-center side of a scenario (SPEC section 7). Each case documents its YAML
/// form; ``kind`` is the step's YAML key.
///
/// Agents are referred to by *label*: an `agent.join` defines the label `as`, or its `name` when it has
/// no `as` (see ``definedAgentLabel``); later steps name it with `agent:`. A step without `agent:` acts
/// for the most recently joined agent still in the chat.
///
/// A run is over when the chat ends (`chat.end`, or the customer's `disconnect`); steps written after a
/// `chat.end` on the same path are reported by the parser.
public enum ScenarioStep: Sendable, Equatable, Codable {
    /// `after: 20s` — wait on the account clock. Accepts `250ms`, `20s`, `5m`, `1h`, `1m30s`, `1.5s`
    /// or a number of seconds (see ``ScenarioDuration``).
    case after(seconds: Double)
    /// `queue: {position: 2, estimatedWaitSeconds: 40}` (or `queue: 2`) — send a queue-position update.
    case queue(position: Int, estimatedWaitSeconds: Int?)
    /// `agent.join: {name: Alice, as: first}` — an agent joins; `as` is the label later steps use.
    /// Both are optional (`agent.join: {}`).
    case agentJoin(name: String?, as: String?)
    /// `agent.say: "text"`, `agent.say: {text: "…", agent: first}` or `agent.say: {body: {…}}` —
    /// an agent sends a message: plain text, or any message body the contact center may send
    /// (a postback or reply prompt, a carousel, a location request, a file…; `body` holds its stored
    /// form and `text` its summary).
    case agentSay(text: String, agent: String?, body: JSONValue? = nil)
    /// `agent.typing: {}` or `agent.typing: {agent: first}` — an agent is typing.
    case agentTyping(agent: String?)
    /// `agent.leave: {}` or `agent.leave: {agent: first}` — an agent leaves the chat.
    case agentLeave(agent: String?)
    /// `bot.say: "text"` or `bot.say: {text: "…", name: Helper}` — a bot sends a message; the bot joins
    /// first when it is not in the chat.
    case botSay(text: String, name: String?)
    /// `expect.customer: {matches: "(?i)refund", within: 5m, onTimeout: [steps…]}` or
    /// `{equals: "exact text", …}` — wait for a customer message that matches. Messages are scanned in
    /// order from just after the one the previous `expect.customer` matched (from the chat's start for
    /// the first), so one that arrived before this step still counts. Without `within` the wait lasts
    /// until the chat ends; a miss fails the run unless `onTimeout` gives steps to run instead, after
    /// which the run continues with the next step — or is over, when those steps ended the chat.
    /// `onTimeout` needs `within`.
    case expectCustomer(matcher: TextMatcher, within: Double?, onTimeout: [ScenarioStepEntry]?)
    /// `chat.end: {reason: agent}` (or `chat.end: {}`) — the contact center ends the chat.
    case chatEnd(reason: String?)
    /// `token.expire: {}` — the JWT of every session following the chat expires now.
    case tokenExpire
    /// `token.revoke: {}` — the JWT of every session following the chat is revoked.
    case tokenRevoke
    /// `socket.drop: {}` — every event socket of the sessions following the chat drops abruptly.
    case socketDrop
    /// `session.close: {}` — every session following the chat is closed.
    case sessionClose
    /// `fault: {match: {…}, action: {…}, probability: 0.5, seed: 7, count: 1}` — install a fault rule.
    case fault(FaultRule)
    /// `expect.routed: {queue: french, rule: french-speakers, routingAttributes: {language: fr}}` —
    /// the chat's route (SPEC section 10) is this: each key given must equal the route's (the
    /// attributes given must be among the route's). A miss fails the run at once. After one that
    /// names a queue, agent steps without `agent:` may act for the agent a staffed queue gives the
    /// chat (it joins by itself, so the script has no `agent.join` for it).
    case expectRouted(queue: String?, rule: String?, routingAttributes: [String: String]?)

    /// Every step kind, as written in YAML.
    public static let kinds = [
        "after", "queue", "agent.join", "agent.say", "agent.typing", "agent.leave", "bot.say", "expect.customer", "chat.end",
        "token.expire", "token.revoke", "socket.drop", "session.close", "fault", "expect.routed",
    ]

    /// The step's YAML key, one of ``kinds``.
    public var kind: String {
        switch self {
        case .after: "after"
        case .queue: "queue"
        case .agentJoin: "agent.join"
        case .agentSay: "agent.say"
        case .agentTyping: "agent.typing"
        case .agentLeave: "agent.leave"
        case .botSay: "bot.say"
        case .expectCustomer: "expect.customer"
        case .chatEnd: "chat.end"
        case .tokenExpire: "token.expire"
        case .tokenRevoke: "token.revoke"
        case .socketDrop: "socket.drop"
        case .sessionClose: "session.close"
        case .fault: "fault"
        case .expectRouted: "expect.routed"
        }
    }

    /// For `agent.join`, the label later steps use for this agent: `as`, else `name`.
    public var definedAgentLabel: String? {
        if case .agentJoin(let name, let label) = self { return label ?? name }
        return nil
    }

    /// For `agent.say|typing|leave`, the agent it names (nil: the most recently joined agent).
    public var agentReference: String? {
        switch self {
        case .agentSay(_, let agent, _), .agentTyping(let agent), .agentLeave(let agent): agent
        default: nil
        }
    }
}
