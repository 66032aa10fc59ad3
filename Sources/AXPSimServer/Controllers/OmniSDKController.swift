import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import AXPSimStore
import Foundation

/// The Omni SDK's API (SPEC §3.2, docs/omni-protocol.md): the same platform under
/// `…/messaging-integrations/…`, over the same sessions, chats and event logs as the Chat SDK, with
/// conversations, flat messages numbered across the conversation, and its own history shape.
struct OmniSDKController: Sendable {
    let chat: ChatService
    let authentication: SDKAuthentication
    /// The long poll of a session's events (the same as the Chat SDK's).
    let poll: SessionEventPoll
    /// Longest message text (`--max-message-length`).
    let maxMessageLength: Int
    /// Writes the signed download URL of every file a message carries.
    let links: AttachmentLinks

    static let base = "/sdk/digital/chat/v1/messaging-integrations/{integrationId}"

    func addRoutes(to table: inout RouteTable) {
        let sdk = authentication
        let base = Self.base
        let session = "\(base)/sessions/{sessionId}"
        let engagement = "\(base)/engagements/{engagementId}"
        let fromSession = "$response.body#/sessionId"
        table.add(
            "POST", "\(base)/sessions", .sdk, "Omni SDK: create a session (the customer's conversation exists from then on)",
            .json(201, OmniWireFormat.sessionSchema).optionalBody(SDKRequests.createSession)
                .link("OmniGetSession", "GET", session, ["sessionId": fromSession])
                .link("OmniPollEvents", "GET", "\(session)/events", ["sessionId": fromSession])
                .link("OmniDeleteSession", "DELETE", session, ["sessionId": fromSession])
                .link("OmniCreateEngagement", "POST", "\(base)/engagements", body: .object(["sessionId": .string(fromSession)])),
            sdk
        ) { request, caller in
            let body = try SDKRequests.createSession(request.optionalJSONObject())
            return .respond(JSONResponses.json(201, OmniWireFormat.session(try self.chat.createSession(caller, body, family: .omni))))
        }
        table.add("GET", session, .sdk, "Omni SDK: a session with its conversation and open chats",
            .json(200, OmniWireFormat.sessionSchema), sdk) { request, caller in
            .respond(JSONResponses.json(200, OmniWireFormat.session(try self.chat.session(caller, request.parameter("sessionId")))))
        }
        table.add("DELETE", session, .sdk, "Omni SDK: shut a session down (its chats stay for other sessions)",
            RouteDoc.noContent.query([OmniRequests.shutdownReasonQuery]), sdk) { request, caller in
            try self.chat.shutdown(caller, request.parameter("sessionId"), reason: try OmniRequests.shutdownReason(request.query))
            return .respond(.empty(204))
        }
        table.add("GET", "\(session)/events", .sdk, "Omni SDK: long poll of the session's events after lastEventId",
            .json(200, .array(SessionEvent.wireSchema)).query(poll.queries), sdk) { request, caller in
            try self.poll.respond(request, caller)
        }
        table.add(
            "POST", "\(base)/engagements", .sdk,
            "Omni SDK: start a chat in the customer's conversation (400 'Maximum number of engagements…' when one is open)",
            .json(201, OmniWireFormat.engagementSchema).body(SDKRequests.createEngagement)
                .link("OmniJoinEngagement", "POST", "\(engagement):join", ["engagementId": "$response.body#/engagementId"]),
            sdk
        ) { request, caller in
            let body = try SDKRequests.createEngagement(request.jsonObject())
            return .respond(JSONResponses.json(201, OmniWireFormat.engagement(try self.chat.createEngagement(caller, body))))
        }
        table.add("POST", "\(engagement):join", .sdk, "Omni SDK: join, from this session, the open chat of its conversation",
            .json(200, OmniWireFormat.engagementSchema).body(SDKRequests.dialogAction), sdk) { request, caller in
            let body = try SDKRequests.dialogAction(request.jsonObject())
            return .respond(JSONResponses.json(200, OmniWireFormat.engagement(try self.chat.join(caller, request.parameter("engagementId"), body))))
        }
        table.add("POST", "\(engagement)/messages", .sdk, "Omni SDK: send a message of any kind its customer may send (200, flat)",
            .json(200, OmniWireFormat.sentMessageSchema).body { try OmniRequests.sendMessage($0, maxTextLength: self.maxMessageLength) }, sdk) {
            request, caller in
            let body = try OmniRequests.sendMessage(request.jsonObject(), maxTextLength: self.maxMessageLength)
            let message = try self.chat.sendMessage(caller, request.parameter("engagementId"), body)
            let conversationId = try self.chat.conversationId(ofEngagement: message.engagementId)
            let attachments = try self.links.json(message.attachments, accountId: caller.accountId, for: request)
            var flat = OmniWireFormat.message(message, conversationId: conversationId, attachments: attachments).objectValue
            flat["sessionId"] = .string(body.sessionId)
            return .respond(JSONResponses.json(200, JSONValue.object(flat)))
        }
        table.add("GET", "\(base)/conversations/{conversationId}/messages", .sdk,
            "Omni SDK: one page of the conversation's history across its chats (links.next is a path from the root)",
            .json(200, OmniWireFormat.historySchema).query(OmniRequests.historyQuery), sdk) { request, caller in
            let page = try self.chat.conversationMessages(caller, request.parameter("conversationId"), try OmniRequests.historyPage(request.query))
            let attachments = try page.messages.map { try self.links.json($0.attachments, accountId: caller.accountId, for: request) }
            return .respond(JSONResponses.json(200, OmniWireFormat.history(page, path: request.path, attachments: attachments)))
        }
    }
}
