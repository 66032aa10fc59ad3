import AXPSimCore
import AXPSimHTTP
import AXPSimStore
import Foundation

/// The Chat SDK API (SPEC section 3, docs/sdk-protocol.md).
extension Emulator {
    static let sdkBase = "/sdk/digital/chat/v1/integrations/{integrationId}"

    func addSDKRoutes(to table: inout RouteTable) {
        let base = Self.sdkBase
        table.add("POST", "\(base)/sessions", .sdk, "Create a session for the JWT's customer") { [unowned self] request in
            let caller = try self.authenticateSDK(request)
            let body = try SDKRequests.createSession(request.optionalJSONObject())
            return .respond(.json(201, try self.chat.createSession(caller, body).jsonData))
        }
        table.add("GET", "\(base)/sessions/{sessionId}", .sdk, "A session with the customer's live engagements (resume)") {
            [unowned self] request in
            let caller = try self.authenticateSDK(request)
            return .respond(.json(200, try self.chat.session(caller, request.parameter("sessionId")).jsonData))
        }
        table.add("DELETE", "\(base)/sessions/{sessionId}", .sdk, "Shut a session down (its chats stay for other sessions)") {
            [unowned self] request in
            let caller = try self.authenticateSDK(request)
            let sessionId = request.parameter("sessionId")
            try self.chat.shutdown(caller, sessionId, reason: request.query["reason"] ?? "USER_CLOSED")
            self.sessionClosed(sessionId)
            return .respond(.empty(204))
        }
        table.add("GET", "\(base)/sessions/{sessionId}/events", .sdk, "Long poll: the session's events after lastEventId") {
            [unowned self] request in try self.longPoll(request)
        }
        table.add("POST", "\(base)/engagements", .sdk, "Start a chat (PENDING until an agent joins)") { [unowned self] request in
            let caller = try self.authenticateSDK(request)
            let body = try SDKRequests.createEngagement(request.jsonObject())
            let (json, _) = try self.chat.createEngagement(caller, body)
            return .respond(.json(201, json.jsonData))
        }
        table.add("GET", "\(base)/engagements/{engagementId}", .sdk, "An engagement with its dialog and participants") { [unowned self] request in
            let caller = try self.authenticateSDK(request)
            return .respond(.json(200, try self.chat.engagement(caller, request.parameter("engagementId")).jsonData))
        }
        table.add("POST", "\(base)/engagements/{engagementId}:join", .sdk, "Join, from this session, a chat of the same customer") {
            [unowned self] request in
            let caller = try self.authenticateSDK(request)
            let body = try SDKRequests.dialogAction(request.jsonObject())
            return .respond(.json(200, try self.chat.join(caller, request.parameter("engagementId"), body).jsonData))
        }
        table.add("POST", "\(base)/engagements/{engagementId}:disconnect", .sdk, "The customer leaves: the chat ends") { [unowned self] request in
            let caller = try self.authenticateSDK(request)
            let body = try SDKRequests.dialogAction(request.jsonObject())
            return .respond(.json(200, try self.chat.disconnect(caller, request.parameter("engagementId"), body).jsonData))
        }
        table.add("POST", "\(base)/engagements/{engagementId}/messages", .sdk, "Send a customer message") { [unowned self] request in
            let caller = try self.authenticateSDK(request)
            let body = try SDKRequests.sendMessage(request.jsonObject(), maxTextLength: self.configuration.maxMessageLength)
            return .respond(.json(201, try self.chat.sendMessage(caller, request.parameter("engagementId"), body).jsonData))
        }
        table.add("GET", "\(base)/engagements/{engagementId}/messages", .sdk, "One page of the chat's history") { [unowned self] request in
            let caller = try self.authenticateSDK(request)
            let page = try SDKRequests.messagePage(request.query)
            let json = try self.chat.messages(caller, request.parameter("engagementId"), page, baseURL: self.absoluteURL(request))
            return .respond(.json(200, json.jsonData))
        }
    }

    /// `GET …/sessions/{id}/events[?lastEventId=ID][&waitSeconds=N]`: answers at once with the
    /// SDK events after the cursor, or holds until one is stored or the hold time passes.
    ///
    /// The SDK forgets its last id after an empty answer, so the server keeps a cursor per
    /// session: a given `lastEventId` moves it; a poll without one (or with an unknown one)
    /// continues from it.
    func longPoll(_ request: HTTPRequest) throws -> HTTPResult {
        let caller = try authenticateSDK(request)
        let sessionId = request.parameter("sessionId")
        try chat.adoptToken(caller, sessionId: sessionId)
        let after = try store.chatWrite { tx -> Int64 in
            let session = try chat.requireSession(tx, caller, sessionId)
            let cursor = try tx.pollCursor(sessionId)
            guard let text = request.query["lastEventId"], let seq = SessionEvent.seq(fromEventId: text), seq <= session.lastEventSeq else {
                return cursor
            }
            if seq != cursor { try tx.setPollCursor(sessionId, seq: seq) }
            return seq
        }
        let hold = try Self.queryInt(request, "waitSeconds", default: configuration.longPollHoldSeconds, range: 0...120)
        let started = Date()
        return try hub.poll(
            accountId: caller.accountId, sessionId: sessionId, after: after, hold: TimeInterval(hold),
            render: { events in .json(200, JSONValue.array(events.map(\.wire)).jsonData) },
            finishHeld: { [weak self] response in self?.finishHeld(request, response, started: started) ?? response })
    }

    /// The absolute URL of this request's path, as the client reached it (for `links.next`).
    func absoluteURL(_ request: HTTPRequest) -> String {
        let scheme = httpURL.hasPrefix("https") ? "https" : "http"
        let host = request.header("host") ?? String(httpURL.drop { $0 != "/" }.dropFirst(2))
        return "\(scheme)://\(host)\(request.path)"
    }
}
