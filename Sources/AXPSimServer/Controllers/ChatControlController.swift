import AXPSimChat
import AXPSimWebSocket
import AXPSimCore
import AXPSimHTTP
import AXPSimStore
import Foundation


/// The control plane's side of chats (SPEC 6.3): agents, sessions and tokens, inspection and the event journal.
struct ChatControlController: Sendable {
    let chat: ChatService
    let store: Store
    let hub: EventHub
    /// Writes the signed download URLs of the files messages and MESSAGE events carry.
    let links: AttachmentLinks

    func addRoutes(to table: inout RouteTable) {
        addAgentRoutes(to: &table)
        addSessionControlRoutes(to: &table)
        addInspectionRoutes(to: &table)
    }

    private func addAgentRoutes(to table: inout RouteTable) {
        let base = "/__sim/engagements/{engagementId}"
        table.add("POST", "\(base)/agent/join", .control, "An agent (or BOT/SUPERVISOR) joins; a PENDING chat becomes ACTIVE",
            RouteDoc.json(201, Self.participantDetailSchema).optionalBody(ControlRequests.participantJoin)
                .link("AgentTyping", "POST", "\(base)/agent/typing", body: .object(["participantId": "$response.body#/participantId"]))
                .link("AgentMessage", "POST", "\(base)/agent/message", body: .object(["participantId": "$response.body#/participantId"]))
                .link("AgentLeave", "POST", "\(base)/agent/leave", body: .object(["participantId": "$response.body#/participantId"]))) {
            request in
            let join = try ControlRequests.participantJoin(try request.optionalJSONObject())
            let participant = try self.chat.participantJoin(
                request.parameter("engagementId"), type: join.participantType, displayName: join.displayName)
            return .respond(JSONResponses.json(201, Self.participantJSON(participant)))
        }
        table.add("POST", "\(base)/agent/message", .control, "The agent says something (the most recent agent unless participantId)",
            .json(201, Self.messageSchema).body(ControlRequests.participantMessage)) {
            request in
            let body = try ControlRequests.participantMessage(try request.jsonObject())
            let engagementId = request.parameter("engagementId")
            let message = try self.chat.participantMessage(
                engagementId, body: body.body, participantId: body.participantId, types: ControlRequests.contactCenterTypes)
            let accountId = try self.store.chatRead { tx in try self.chat.requireEngagement(tx, engagementId).accountId }
            return .respond(JSONResponses.json(201, try self.message(message, accountId: accountId, request)))
        }
        table.add("POST", "\(base)/agent/typing", .control, "The agent is typing (TYPING on the socket)",
            .json(200, Self.participantDetailSchema).optionalBody(ControlRequests.participantId)) { request in
            let participant = try self.chat.participantTyping(request.parameter("engagementId"), participantId: try Self.participantId(request))
            return .respond(JSONResponses.json(200, Self.participantJSON(participant)))
        }
        table.add("POST", "\(base)/agent/leave", .control, "The agent leaves; the chat stays open",
            .json(200, Self.participantDetailSchema).optionalBody(ControlRequests.participantId)) { request in
            let participant = try self.chat.participantLeave(request.parameter("engagementId"), participantId: try Self.participantId(request))
            return .respond(JSONResponses.json(200, Self.participantJSON(participant)))
        }
        table.add("POST", "\(base)/end", .control, "End the chat (every participant disconnected)",
            .json(200, WireFormat.engagementSchema).optionalBody(ControlRequests.endReason)) { request in
            let reason = try ControlRequests.endReason(try request.optionalJSONObject())
            return .respond(JSONResponses.json(200, WireFormat.engagement(try self.chat.end(request.parameter("engagementId"), reason: reason))))
        }
        table.add("POST", "\(base)/queue-position", .control, "Tell the customer its queue position (QUEUE_POSITION)",
            .json(200, .record(["position": .integer()])).body(ControlRequests.queuePosition)) {
            request in
            let body = try ControlRequests.queuePosition(try request.jsonObject())
            try self.chat.queuePosition(request.parameter("engagementId"), position: body.position, estimatedWaitSeconds: body.estimatedWaitSeconds)
            return .respond(JSONResponses.json(200, JSONValue.object(["position": .int(Int64(body.position))])))
        }
        table.add("POST", "\(base)/error", .control, "Send ENGAGEMENT_ERROR to the chat's sessions",
            .json(200, .record(["type": .string()])).optionalBody(ControlRequests.engagementError)) { request in
            let body = try ControlRequests.engagementError(try request.optionalJSONObject())
            try self.chat.engagementError(request.parameter("engagementId"), type: body.type, title: body.title, detail: body.detail)
            return .respond(JSONResponses.json(200, JSONValue.object(["type": .string(body.type)])))
        }
    }

    private func addSessionControlRoutes(to table: inout RouteTable) {
        table.add("POST", "/__sim/tokens/{jti}/revoke", .control, "Revoke a chat JWT (its sockets close with 4401)",
            .json(200, .record(["jti": .string(), "revoked": .boolean]))) { request in
            let jti = request.parameter("jti")
            guard let token = try self.store.issuedToken(jti: jti) else { throw AXPSimError.notFound(resource: "token", id: jti) }
            try self.chat.revokeToken(jti, accountId: token.accountId)
            return .respond(JSONResponses.json(200, JSONValue.object(["jti": .string(jti), "revoked": true])))
        }
        table.add("POST", "/__sim/sessions/{sessionId}/close", .control, "Close a session (SESSION_CLOSED, sockets close with 4410)",
            .json(200, .record(["sessionId": .string(), "closed": .boolean]))) {
            request in
            let sessionId = request.parameter("sessionId")
            let closed = try self.chat.closeSession(sessionId, reason: "SYSTEM_CLOSED")
            return .respond(JSONResponses.json(200, JSONValue.object(["sessionId": .string(sessionId), "closed": .bool(closed)])))
        }
        table.add("POST", "/__sim/sessions/{sessionId}/drop-sockets", .control, "Drop the session's sockets abruptly (no close frame)",
            .json(200, .record(["sessionId": .string(), "dropped": .integer()]))) {
            request in
            let sessionId = request.parameter("sessionId")
            guard try self.store.chatRead({ try $0.session(sessionId) }) != nil else { throw AXPSimError.sessionNotFound }
            let dropped = self.hub.dropSockets(sessionId: sessionId)
            return .respond(JSONResponses.json(200, JSONValue.object(["sessionId": .string(sessionId), "dropped": .int(Int64(dropped))])))
        }
    }

    private func addInspectionRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/accounts/{accountId}/sessions", .control, "The account's sessions (?customerId, ?state)",
            RouteDoc.json(200, .record(["sessions": .array(WireFormat.inspectedSessionSchema)])).query(Self.sessionListQuery)
                .link("RevokeToken", "POST", "/__sim/tokens/{jti}/revoke", ["jti": "$response.body#/sessions/0/tokenJti"])
                .link("CloseSession", "POST", "/__sim/sessions/{sessionId}/close", ["sessionId": "$response.body#/sessions/0/sessionId"])) {
            request in
            let account = try self.store.requireAccount(request)
            let sessions = try self.store.chatRead { tx in
                let customerId = Self.sessionListQuery[0].text(in: request.query)
                let state = Self.sessionListQuery[1].text(in: request.query)
                return try tx.sessions(accountId: account.accountId, customerId: customerId, activeOnly: state == "active")
            }
            return .respond(JSONResponses.json(200, JSONValue.object(["sessions": .array(sessions.map(WireFormat.inspectedSession))])))
        }
        table.add("GET", "/__sim/accounts/{accountId}/engagements", .control, "The account's engagements (?customerId)",
            RouteDoc.json(200, .record(["engagements": .array(Self.inspectedEngagementSchema)])).query([Self.customerIdQuery])) {
            request in
            let account = try self.store.requireAccount(request)
            let list = try self.store.chatRead { tx in
                let customerId = Self.customerIdQuery.text(in: request.query)
                return try tx.engagements(accountId: account.accountId, customerId: customerId).map { try self.inspectedEngagement(tx, $0) }
            }
            return .respond(JSONResponses.json(200, JSONValue.object(["engagements": .array(list)])))
        }
        table.add("GET", "/__sim/engagements/{engagementId}", .control, "An engagement with every participant and follower",
            .json(200, Self.inspectedEngagementSchema)) {
            request in
            let json = try self.store.chatRead { tx in
                try self.inspectedEngagement(tx, try self.chat.requireEngagement(tx, request.parameter("engagementId")))
            }
            return .respond(JSONResponses.json(200, json))
        }
        table.add("GET", "/__sim/engagements/{engagementId}/messages", .control, "Every message of a chat, oldest first",
            .json(200, .record(["messages": .array(Self.messageSchema)]))) {
            request in
            let (messages, accountId) = try self.store.chatRead { tx -> ([ChatMessage], String) in
                let engagement = try self.chat.requireEngagement(tx, request.parameter("engagementId"))
                return (try tx.messages(engagement.engagementId, pageSize: Int.max, pageNumber: 1, ascending: true), engagement.accountId)
            }
            let list = try messages.map { try self.message($0, accountId: accountId, request) }
            return .respond(JSONResponses.json(200, JSONValue.object(["messages": .array(list)])))
        }
        table.add("GET", "/__sim/events", .control, "Journal of every event (?accountId, ?sinceId, ?limit, ?wait seconds)",
            RouteDoc.json(200, .record(["events": .array(WireFormat.journalEntrySchema), "lastId": .integer()])).query(Self.journalQuery)) {
            request in
            let query = Self.journalQuery
            let since = Int64(try query[1].int(in: request.query))
            let limit = try query[2].int(in: request.query)
            let wait = try query[3].int(in: request.query)
            let accountId = query[0].text(in: request.query)
            if let accountId, try self.store.account(accountId) == nil { throw AXPSimError.notFound(resource: "account", id: accountId) }
            return try self.hub.pollJournal(
                accountId: accountId, after: since, limit: limit, wait: TimeInterval(wait),
                render: { [links] events in
                    do {
                        let entries = try events.map { event in
                            var entry = WireFormat.journalEntry(event).objectValue
                            entry["event"] = try links.wire(event, for: request)
                            return JSONValue.object(entry)
                        }
                        return JSONResponses.json(200, JSONValue.object(["events": .array(entries), "lastId": .int(events.last?.journalId ?? since)]))
                    } catch {
                        return JSONResponses.problem(.internalError("cannot render the journal: \(error)"))
                    }
                })
        }
    }

    static let customerIdQuery = QueryParameter.text("customerId", "Only this customer's")
    static let sessionListQuery = [customerIdQuery, QueryParameter.text("state", "active: only open sessions")]
    static let journalQuery = [
        QueryParameter.text("accountId", "Only this account's events"),
        QueryParameter.integer("sinceId", default: 0, range: 0...Int(Int64.max / 2), "Answer the entries after this journal id"),
        QueryParameter.integer("limit", default: 500, range: 1...5000, "At most this many entries"),
        QueryParameter.integer("wait", default: 0, range: 0...60, "Seconds of real time to wait for a newer entry"),
    ]

    /// A message as the control plane shows it: the Chat SDK's flat shape, plus `attachments`
    /// (each file with a signed download URL) when it carries files.
    func message(_ message: ChatMessage, accountId: String, _ request: HTTPRequest) throws -> JSONValue {
        var object = WireFormat.message(message).objectValue
        if !message.attachments.isEmpty { object["attachments"] = try links.json(message.attachments, accountId: accountId, for: request) }
        return .object(object)
    }

    /// The JSON shape of ``message(_:accountId:_:)``.
    static let messageSchema = JSONSchema.ref(
        "ControlMessage",
        JSONSchema.object(
            [
                "messageId": .string(), "engagementId": .string(), "dialogId": .string(), "parentMessageId": JSONSchema.string().nullable,
                "messageIndex": .integer(), "receivedAt": .timestamp, "lastUpdatedAt": .timestamp, "body": WireFormat.messageBodySchema,
                "senderParticipantId": .string(), "participantType": .string(oneOf: ParticipantType.allCases.map(\.rawValue)),
                "displayName": .string(), "attachments": .array(OmniWireFormat.attachmentSchema),
            ],
            required: [
                "messageId", "engagementId", "dialogId", "parentMessageId", "messageIndex", "receivedAt", "lastUpdatedAt", "body",
                "senderParticipantId", "participantType", "displayName",
            ]))

    /// The JSON shape of ``inspectedEngagement(_:_:)``.
    static let inspectedEngagementSchema = JSONSchema.ref(
        "InspectedEngagement",
        WireFormat.engagementObject.adding(
            [
                "accountId": .string(), "customerId": .string(), "endedAt": JSONSchema.timestamp.nullable, "messageCount": .integer(),
                "allParticipants": .array(participantDetailSchema), "followers": .array(.string()),
                "routing": RoutingDecision.schema.nullable, "queue": queuePlaceSchema.nullable,
            ], required: ["accountId", "customerId", "endedAt", "messageCount", "allParticipants", "followers", "routing", "queue"]))

    /// The JSON shape of an engagement's place in a staffed queue.
    static let queuePlaceSchema = JSONSchema.ref(
        "QueuePlace",
        .object(
            [
                "queueId": .string(), "state": .string(oneOf: QueueEntry.State.allCases.map(\.rawValue)), "enqueuedAt": .timestamp,
                "agentId": JSONSchema.string().nullable, "position": JSONSchema.integer().nullable, "estimatedWaitSeconds": JSONSchema.integer().nullable,
            ], required: ["queueId", "state", "enqueuedAt", "agentId", "position", "estimatedWaitSeconds"]))

    /// The JSON shape of ``participantJSON(_:)``.
    static let participantDetailSchema = JSONSchema.ref(
        "ParticipantDetail",
        WireFormat.participantObject.adding(
            [
                "engagementId": .string(), "joinedAt": .timestamp, "leftAt": JSONSchema.timestamp.nullable,
                "sessionId": JSONSchema.string().nullable,
            ], required: ["engagementId", "joinedAt", "leftAt", "sessionId"]))

    func inspectedEngagement(_ tx: ChatTransaction, _ engagement: Engagement) throws -> JSONValue {
        var object = WireFormat.engagement(try chat.engagementView(tx, engagement)).objectValue
        object["accountId"] = .string(engagement.accountId)
        object["customerId"] = .string(engagement.customerId)
        object["endedAt"] = engagement.endedAt.map(JSONValue.date) ?? .null
        object["messageCount"] = .int(engagement.lastMessageIndex)
        object["allParticipants"] = .array(try tx.participants(engagement.engagementId).map(Self.participantJSON))
        object["followers"] = .array(try tx.followers(engagement.engagementId).map { .string($0) })
        object["routing"] = try tx.route(engagementId: engagement.engagementId)?.json ?? .null
        object["queue"] = try tx.queueEntry(engagementId: engagement.engagementId).map { entry in
            .object([
                "queueId": .string(entry.queueId), "state": .string(entry.state.rawValue), "enqueuedAt": .date(entry.enqueuedAt),
                "agentId": .optional(entry.agentId),
                "position": entry.state == .waiting ? entry.lastPosition.map { .int(Int64($0)) } ?? .null : .null,
                "estimatedWaitSeconds": entry.state == .waiting ? entry.lastEstimate.map { .int(Int64($0)) } ?? .null : .null,
            ])
        } ?? .null
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
        try ControlRequests.participantId(try request.optionalJSONObject())
    }

}
