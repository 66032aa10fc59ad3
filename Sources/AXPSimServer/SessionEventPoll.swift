import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import AXPSimStore
import Foundation

/// The long poll of a session's events, shared by both SDK families' routes (the same cursor, the
/// same hold).
struct SessionEventPoll: Sendable {
    let chat: ChatService
    let store: Store
    let hub: EventHub
    /// Seconds a poll is held when there is nothing to send (`--long-poll-hold`).
    let holdSeconds: Int
    /// Writes the signed URLs of the files MESSAGE events carry, at delivery.
    let links: AttachmentLinks

    /// `GET …/sessions/{id}/events[?lastEventId=ID][&waitSeconds=N]`: answers at once with the
    /// SDK events after the cursor, or holds until one is stored or the hold time passes.
    ///
    /// The SDK forgets its last id after an empty answer, so the server keeps a cursor per
    /// session: a given `lastEventId` moves it; a poll without one (or with an unknown one)
    /// continues from it.
    func respond(_ request: HTTPRequest, _ caller: SDKCaller) throws -> HTTPResult {
        let sessionId = request.parameter("sessionId")
        try chat.adoptToken(caller, sessionId: sessionId)
        let after = try store.chatWrite { tx -> Int64 in
            let session = try chat.requireSession(tx, caller, sessionId)
            let cursor = try tx.pollCursor(sessionId)
            guard let text = Self.lastEventIdQuery.text(in: request.query), let seq = SessionEvent.seq(fromEventId: text),
                seq <= session.lastEventSeq
            else {
                return cursor
            }
            if seq != cursor { try tx.setPollCursor(sessionId, seq: seq) }
            return seq
        }
        let hold = try Self.waitSecondsQuery(default: holdSeconds).int(in: request.query)
        // The answer's attachment URLs need the Host header only; a held poll keeps just that.
        let linkRequest = request.hostOnly
        return try hub.poll(
            accountId: caller.accountId, sessionId: sessionId, after: after, hold: TimeInterval(hold),
            render: { [links] events in
                do {
                    return JSONResponses.json(200, JSONValue.array(try events.map { try links.wire($0, for: linkRequest) }))
                } catch {
                    return JSONResponses.problem(.internalError("cannot render the events: \(error)"))
                }
            })
    }

    /// The long poll's cursor.
    static let lastEventIdQuery = QueryParameter.text(
        "lastEventId", "Answer the events after this id; without it (or with an unknown one) the server-side cursor is used")

    /// The long poll's hold time.
    static func waitSecondsQuery(default value: Int) -> QueryParameter {
        .integer("waitSeconds", default: value, range: 0...120, "Seconds to hold the poll while there is nothing to send")
    }

    /// The query parameters the poll reads, as documented.
    var queries: [QueryParameter] { [Self.lastEventIdQuery, Self.waitSecondsQuery(default: holdSeconds)] }
}
