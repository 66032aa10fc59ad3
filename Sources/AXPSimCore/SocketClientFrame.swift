import Foundation

/// A text frame a client sends on a session's event socket (SPEC section 4), read without any I/O:
/// the first frame must be `{"type":"auth","jwt","appkey"?,"lastEventId"?}`; after it the server
/// accepts only `{"type":"ping"}`.
public enum SocketClientFrame: Sendable, Equatable {
    /// The auth frame. `lastEventSeq` is the sequence number of `lastEventId` (nil when absent or null).
    case auth(jwt: String, appkey: String?, lastEventSeq: Int64?)
    /// A keep-alive, answered with `{"type":"pong"}`.
    case ping
    /// Any other JSON object, with its `type` when that is a string.
    case other(type: String?)

    /// Why a frame cannot be read; ``code`` and ``detail`` are what the server sends back before it
    /// closes the socket with 4400.
    public enum ReadError: Error, Sendable, Equatable {
        /// Not a JSON object.
        case notAnObject
        /// `type` is `auth` but `jwt` is not a string.
        case badAuthFrame
        /// `lastEventId` is neither an eventId string nor a non-negative integer.
        case badLastEventId

        /// The stable error code sent in the socket's `error` frame.
        public var code: String {
            switch self {
            case .notAnObject, .badAuthFrame: "bad_auth_frame"
            case .badLastEventId: "bad_last_event_id"
            }
        }

        /// The human-readable explanation sent with ``code``.
        public var detail: String {
            switch self {
            case .notAnObject, .badAuthFrame: "The first frame must be {\"type\":\"auth\",\"jwt\",\"appkey\",\"lastEventId\"?}"
            case .badLastEventId: "lastEventId must be an eventId this server sent"
            }
        }
    }

    /// Reads one text frame.
    public static func parse(_ text: String) throws(ReadError) -> SocketClientFrame {
        let object: [String: JSONValue]
        do {
            object = try JSONValue.parseObject(Data(text.utf8))
        } catch {
            throw .notAnObject
        }
        let type = object["type"]?.stringValue
        switch type {
        case "auth":
            guard let jwt = object["jwt"]?.stringValue else { throw .badAuthFrame }
            let lastEventSeq: Int64?
            switch object["lastEventId"] {
            case nil, .null?: lastEventSeq = nil
            case .string(let id)?:
                guard let seq = SessionEvent.seq(fromEventId: id) else { throw .badLastEventId }
                lastEventSeq = seq
            case .int(let id)? where id >= 0: lastEventSeq = id
            default: throw .badLastEventId
            }
            return .auth(jwt: jwt, appkey: object["appkey"]?.stringValue, lastEventSeq: lastEventSeq)
        case "ping":
            return .ping
        default:
            return .other(type: type)
        }
    }
}
