/// Which SDK family a session speaks: the web Chat SDK (`…/integrations/…`) or the Omni SDK
/// (`…/messaging-integrations/…`, web, iOS and Android). Both share sessions, chats and event
/// logs; each reads its own shapes.
public enum ClientFamily: String, Sendable, Codable, CaseIterable {
    case chat
    case omni
}
