import AXPSimWebSocket
import AXPSimCore
import AXPSimHTTP
import AXPSimStore
import Foundation

/// Control plane of the chat side (SPEC section 6): agents, ends, queue positions, tokens,
/// sessions, sockets and inspection.
extension Emulator {
    func addChatControlRoutes(to table: inout RouteTable) {
        addAgentRoutes(to: &table)
        addSessionControlRoutes(to: &table)
        addInspectionRoutes(to: &table)
    }

    private func addAgentRoutes(to table: inout RouteTable) {
        let base = "/__sim/engagements/{engagementId}"
        table.add("POST", "\(base)/agent/join", .control, "An agent (or BOT/SUPERVISOR) joins; a PENDING chat becomes ACTIVE") {
            [unowned self] request in
            var reader = FieldReader(try request.optionalJSONObject())
            reader.rejectUnknown(allowed: ["displayName", "participantType"])
            let name = reader.string("displayName", length: 1...70)
            let typeText = reader.string("participantType") ?? "AGENT"
            let type = ParticipantType(rawValue: typeText)
            if type == nil || type == .customer || type == .system {
                reader.fail("participantType", "must be AGENT, BOT or SUPERVISOR", .invalidValue)
            }
            try reader.check()
            let participant = try self.chat.participantJoin(request.parameter("engagementId"), type: type ?? .agent, displayName: name)
            return .respond(.json(201, Self.participantJSON(participant).jsonData))
        }
        table.add("POST", "\(base)/agent/message", .control, "The agent says something (the most recent agent unless participantId)") {
            [unowned self] request in
            var reader = FieldReader(try request.jsonObject())
            reader.rejectUnknown(allowed: ["text", "participantId"])
            let text = reader.string("text", required: true)
            let participantId = reader.string("participantId")
            try reader.check()
            let message = try self.chat.participantMessage(
                request.parameter("engagementId"), text: text ?? "", participantId: participantId, types: [.agent, .bot, .supervisor])
            return .respond(.json(201, WireFormat.message(message).jsonData))
        }
        table.add("POST", "\(base)/agent/typing", .control, "The agent is typing (TYPING on the socket)") { [unowned self] request in
            let participant = try self.chat.participantTyping(request.parameter("engagementId"), participantId: try Self.participantId(request))
            return .respond(.json(200, Self.participantJSON(participant).jsonData))
        }
        table.add("POST", "\(base)/agent/leave", .control, "The agent leaves; the chat stays open") { [unowned self] request in
            let participant = try self.chat.participantLeave(request.parameter("engagementId"), participantId: try Self.participantId(request))
            return .respond(.json(200, Self.participantJSON(participant).jsonData))
        }
        table.add("POST", "\(base)/end", .control, "End the chat (every participant disconnected)") { [unowned self] request in
            var reader = FieldReader(try request.optionalJSONObject())
            reader.rejectUnknown(allowed: ["reason"])
            let reason = reader.string("reason", length: 1...64) ?? "AGENT_CLOSED"
            try reader.check()
            return .respond(.json(200, try self.chat.end(request.parameter("engagementId"), reason: reason).jsonData))
        }
        table.add("POST", "\(base)/queue-position", .control, "Tell the customer its queue position (QUEUE_POSITION)") {
            [unowned self] request in
            var reader = FieldReader(try request.jsonObject())
            reader.rejectUnknown(allowed: ["position", "estimatedWaitSeconds"])
            let position = reader.int("position", required: true, range: 0...100_000)
            let wait = reader.int("estimatedWaitSeconds", range: 0...86_400)
            try reader.check()
            try self.chat.queuePosition(request.parameter("engagementId"), position: position ?? 0, estimatedWaitSeconds: wait)
            return .respond(JSONResponses.object(200, ["position": position ?? 0]))
        }
        table.add("POST", "\(base)/error", .control, "Send ENGAGEMENT_ERROR to the chat's sessions") { [unowned self] request in
            var reader = FieldReader(try request.optionalJSONObject())
            reader.rejectUnknown(allowed: ["type", "title", "detail"])
            let type = reader.string("type") ?? "ENGAGEMENT_ERROR"
            let title = reader.string("title") ?? "Engagement error"
            let detail = reader.string("detail") ?? "Injected by the control plane"
            try reader.check()
            try self.chat.engagementError(request.parameter("engagementId"), type: type, title: title, detail: detail)
            return .respond(JSONResponses.object(200, ["type": type]))
        }
    }

    private func addSessionControlRoutes(to table: inout RouteTable) {
        table.add("POST", "/__sim/tokens/{jti}/revoke", .control, "Revoke a chat JWT (its sockets close with 4401)") { [unowned self] request in
            let jti = request.parameter("jti")
            guard let token = try self.store.issuedToken(jti: jti) else { throw AXPSimError.notFound(resource: "token", id: jti) }
            try self.store.revokeToken(jti: jti, at: try self.clocks.now(accountId: token.accountId))
            self.hub.closeSockets(tokenJti: jti)
            return .respond(JSONResponses.object(200, ["jti": jti, "revoked": true] as [String: Any]))
        }
        table.add("POST", "/__sim/sessions/{sessionId}/close", .control, "Close a session (SESSION_CLOSED, sockets close with 4410)") {
            [unowned self] request in
            let sessionId = request.parameter("sessionId")
            let closed = try self.chat.closeSession(sessionId, reason: "SYSTEM_CLOSED")
            self.sessionClosed(sessionId)
            return .respond(JSONResponses.object(200, ["sessionId": sessionId, "closed": closed] as [String: Any]))
        }
        table.add("POST", "/__sim/sessions/{sessionId}/drop-sockets", .control, "Drop the session's sockets abruptly (no close frame)") {
            [unowned self] request in
            let sessionId = request.parameter("sessionId")
            guard try self.store.chatRead({ try $0.session(sessionId) }) != nil else { throw AXPSimError.sessionNotFound }
            let dropped = self.hub.dropSockets(sessionId: sessionId)
            return .respond(JSONResponses.object(200, ["sessionId": sessionId, "dropped": dropped] as [String: Any]))
        }
    }

    private func addInspectionRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/accounts/{accountId}/sessions", .control, "The account's sessions (?customerId, ?state)") {
            [unowned self] request in
            let account = try self.requireAccount(request)
            let sessions = try self.store.chatRead { tx in
                try tx.sessions(accountId: account.accountId, customerId: request.query["customerId"], activeOnly: request.query["state"] == "active")
            }
            return .respond(.json(200, JSONValue.object(["sessions": .array(sessions.map(WireFormat.inspectedSession))]).jsonData))
        }
        table.add("GET", "/__sim/accounts/{accountId}/engagements", .control, "The account's engagements (?customerId)") {
            [unowned self] request in
            let account = try self.requireAccount(request)
            let list = try self.store.chatRead { tx in
                try tx.engagements(accountId: account.accountId, customerId: request.query["customerId"]).map { try self.inspectedEngagement(tx, $0) }
            }
            return .respond(.json(200, JSONValue.object(["engagements": .array(list)]).jsonData))
        }
        table.add("GET", "/__sim/engagements/{engagementId}", .control, "An engagement with every participant and follower") {
            [unowned self] request in
            let json = try self.store.chatRead { tx in
                try self.inspectedEngagement(tx, try self.chat.requireEngagement(tx, request.parameter("engagementId")))
            }
            return .respond(.json(200, json.jsonData))
        }
        table.add("GET", "/__sim/engagements/{engagementId}/messages", .control, "Every message of a chat, oldest first") {
            [unowned self] request in
            let messages = try self.store.chatRead { tx -> [ChatMessage] in
                let engagement = try self.chat.requireEngagement(tx, request.parameter("engagementId"))
                return try tx.messages(engagement.engagementId, pageSize: Int.max, pageNumber: 1, ascending: true)
            }
            return .respond(.json(200, JSONValue.object(["messages": .array(messages.map(WireFormat.message))]).jsonData))
        }
        table.add("GET", "/__sim/events", .control, "Journal of every event (?accountId, ?sinceId, ?limit, ?wait seconds)") {
            [unowned self] request in
            let since = Int64(try Self.queryInt(request, "sinceId", default: 0, range: 0...Int(Int64.max / 2)))
            let limit = try Self.queryInt(request, "limit", default: 500, range: 1...5000)
            let wait = try Self.queryInt(request, "wait", default: 0, range: 0...60)
            let accountId = request.query["accountId"]
            if let accountId, try self.store.account(accountId) == nil { throw AXPSimError.notFound(resource: "account", id: accountId) }
            let started = Date()
            return try self.hub.pollJournal(
                accountId: accountId, after: since, limit: limit, wait: TimeInterval(wait),
                render: { events in
                    let body = JSONValue.object([
                        "events": .array(events.map(WireFormat.journalEntry)), "lastId": .int(events.last?.journalId ?? since),
                    ])
                    return .json(200, body.jsonData)
                },
                finishHeld: { [weak self] response in self?.finishHeld(request, response, started: started) ?? response })
        }
    }

    func inspectedEngagement(_ tx: ChatTransaction, _ engagement: Engagement) throws -> JSONValue {
        var object = try chat.engagementJSON(tx, engagement).objectValue
        object["accountId"] = .string(engagement.accountId)
        object["customerId"] = .string(engagement.customerId)
        object["endedAt"] = engagement.endedAt.map(JSONValue.date) ?? .null
        object["messageCount"] = .int(engagement.lastMessageIndex)
        object["allParticipants"] = .array(try tx.participants(engagement.engagementId).map(Self.participantJSON))
        object["followers"] = .array(try tx.followers(engagement.engagementId).map { .string($0) })
        return .object(object)
    }

    static func participantJSON(_ p: Participant) -> JSONValue {
        var object = WireFormat.participant(p).objectValue
        object["engagementId"] = .string(p.engagementId)
        object["joinedAt"] = .date(p.joinedAt)
        object["leftAt"] = p.leftAt.map(JSONValue.date) ?? .null
        object["sessionId"] = .optional(p.sessionId)
        return .object(object)
    }

    private static func participantId(_ request: HTTPRequest) throws -> String? {
        var reader = FieldReader(try request.optionalJSONObject())
        reader.rejectUnknown(allowed: ["participantId"])
        let id = reader.string("participantId")
        try reader.check()
        return id
    }

    /// After a session closed: its held polls end with 404 Session not found; its sockets get
    /// their last events, then close with 4410.
    func sessionClosed(_ sessionId: String) {
        hub.sessionClosed(sessionId, response: JSONResponses.problem(.sessionNotFound))
    }
}
