import Synchronization
import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import AXPSimStore
import Foundation


/// The Chat SDK API (SPEC section 3, docs/sdk-protocol.md).
struct ChatSDKController: Sendable {
    let chat: ChatService
    let store: Store
    /// The long poll of a session's events.
    let poll: SessionEventPoll
    let authentication: SDKAuthentication
    /// The base of absolute URLs (`links.next`).
    let publicBase: PublicBase
    let maxMessageLength: Int

    static let sdkBase = "/sdk/digital/chat/v1/integrations/{integrationId}"

    func addRoutes(to table: inout RouteTable) {
        // Every SDK route authenticates its caller the same way, before its handler runs.
        let sdk = authentication
        let base = Self.sdkBase
        let session = "\(base)/sessions/{sessionId}"
        let engagement = "\(base)/engagements/{engagementId}"
        let control = "/__sim/engagements/{engagementId}"
        let fromSession = "$response.body#/sessionId"
        table.add(
            "POST", "\(base)/sessions", .sdk, "Create a session for the JWT's customer",
            .json(201, WireFormat.sessionSchema).optionalBody(SDKRequests.createSession)
                .link("GetSession", "GET", session, ["sessionId": fromSession])
                .link("PollEvents", "GET", "\(session)/events", ["sessionId": fromSession])
                .link("DeleteSession", "DELETE", session, ["sessionId": fromSession])
                .link("CreateEngagement", "POST", "\(base)/engagements", body: .object(["sessionId": .string(fromSession)]))
                .link("CloseSession", "POST", "/__sim/sessions/{sessionId}/close", ["sessionId": fromSession])
                .link("DropSockets", "POST", "/__sim/sessions/{sessionId}/drop-sockets", ["sessionId": fromSession]),
            sdk
        ) { request, caller in
            let body = try SDKRequests.createSession(request.optionalJSONObject())
            return .respond(JSONResponses.json(201, WireFormat.session(try self.chat.createSession(caller, body))))
        }
        table.add("GET", "\(base)/sessions/{sessionId}", .sdk, "A session with the customer's live engagements (resume)",
            .json(200, WireFormat.sessionSchema), sdk) { request, caller in
            return .respond(JSONResponses.json(200, WireFormat.session(try self.chat.session(caller, request.parameter("sessionId")))))
        }
        table.add("DELETE", "\(base)/sessions/{sessionId}", .sdk, "Shut a session down (its chats stay for other sessions)",
            RouteDoc.noContent.query([Self.shutdownReasonQuery]), sdk) { request, caller in
            let sessionId = request.parameter("sessionId")
            let reason = Self.shutdownReasonQuery.text(in: request.query) ?? "USER_CLOSED"
            try self.chat.shutdown(caller, sessionId, reason: reason)
            return .respond(.empty(204))
        }
        table.add("GET", "\(base)/sessions/{sessionId}/events", .sdk, "Long poll: the session's events after lastEventId",
            .json(200, .array(SessionEvent.wireSchema))
                .query(poll.queries), sdk) {
            request, caller in try self.poll.respond(request, caller)
        }
        table.add(
            "POST", "\(base)/engagements", .sdk, "Start a chat (PENDING until an agent joins)",
            Self.engagementLinks(.json(201, WireFormat.engagementSchema).body(SDKRequests.createEngagement), engagement: engagement, control: control),
            sdk
        ) { request, caller in
            let body = try SDKRequests.createEngagement(request.jsonObject())
            return .respond(JSONResponses.json(201, WireFormat.engagement(try self.chat.createEngagement(caller, body))))
        }
        table.add("GET", "\(base)/engagements/{engagementId}", .sdk, "An engagement with its dialog and participants",
            .json(200, WireFormat.engagementSchema), sdk) { request, caller in
            return .respond(JSONResponses.json(200, WireFormat.engagement(try self.chat.engagement(caller, request.parameter("engagementId")))))
        }
        table.add("POST", "\(base)/engagements/{engagementId}:join", .sdk, "Join, from this session, a chat of the same customer",
            .json(200, WireFormat.engagementSchema).body(SDKRequests.dialogAction), sdk) { request, caller in
            let body = try SDKRequests.dialogAction(request.jsonObject())
            return .respond(JSONResponses.json(200, WireFormat.engagement(try self.chat.join(caller, request.parameter("engagementId"), body))))
        }
        table.add("POST", "\(base)/engagements/{engagementId}:disconnect", .sdk, "The customer leaves: the chat ends",
            .json(200, WireFormat.engagementSchema).body(SDKRequests.dialogAction), sdk) { request, caller in
            let body = try SDKRequests.dialogAction(request.jsonObject())
            return .respond(JSONResponses.json(200, WireFormat.engagement(try self.chat.disconnect(caller, request.parameter("engagementId"), body))))
        }
        table.add("POST", "\(base)/engagements/{engagementId}/messages", .sdk, "Send a customer message",
            .json(201, WireFormat.messageSchema).body { try SDKRequests.sendMessage($0, maxTextLength: self.maxMessageLength) }, sdk) { request, caller in
            let body = try SDKRequests.sendMessage(request.jsonObject(), maxTextLength: self.maxMessageLength)
            return .respond(JSONResponses.json(201, WireFormat.message(try self.chat.sendMessage(caller, request.parameter("engagementId"), body))))
        }
        table.add("GET", "\(base)/engagements/{engagementId}/messages", .sdk, "One page of the chat's history",
            .json(200, WireFormat.messagePageSchema).query(SDKRequests.messagePageQuery), sdk) { request, caller in
            let page = try SDKRequests.messagePage(request.query)
            let messages = try self.chat.messages(caller, request.parameter("engagementId"), page)
            return .respond(JSONResponses.json(200, WireFormat.messagePage(messages, baseURL: self.absoluteURL(request))))
        }
    }

    /// `DELETE …/sessions/{id}?reason=`.
    static let shutdownReasonQuery = QueryParameter.text("reason", "Why the session ends (default USER_CLOSED)")
    /// What a new engagement's id feeds: the SDK's calls on it and the control plane's agent side.
    static func engagementLinks(_ doc: RouteDoc, engagement: String, control: String) -> RouteDoc {
        let id = ["engagementId": "$response.body#/engagementId"]
        let dialog: [String: JSONValue] = [
            "sessionId": "$request.body#/sessionId", "dialogId": "$response.body#/dialogs/0/dialogId",
        ]
        var withMessage = dialog
        withMessage["body"] = .object(["elementType": "TEXT", "elementText": .object(["text": "hello", "textFormat": "PLAINTEXT"])])
        return doc.link("GetEngagement", "GET", engagement, id)
            .link("JoinEngagement", "POST", "\(engagement):join", id, body: .object(dialog))
            .link("SendMessage", "POST", "\(engagement)/messages", id, body: .object(withMessage))
            .link(
                "ListMessages", "GET", "\(engagement)/messages",
                id.merging(["query.sessionId": "$request.body#/sessionId", "query.dialogId": "$response.body#/dialogs/0/dialogId"]) { a, _ in a })
            .link("Disconnect", "POST", "\(engagement):disconnect", id, body: .object(dialog))
            .link("AgentJoin", "POST", "\(control)/agent/join", id)
            .link("AgentMessage", "POST", "\(control)/agent/message", id)
            .link("AgentTyping", "POST", "\(control)/agent/typing", id)
            .link("AgentLeave", "POST", "\(control)/agent/leave", id)
            .link("EndEngagement", "POST", "\(control)/end", id)
            .link("QueuePosition", "POST", "\(control)/queue-position", id)
            .link("EngagementError", "POST", "\(control)/error", id)
            .link("InspectEngagement", "GET", control, id)
            .link("InspectMessages", "GET", "\(control)/messages", id)
            .link("StartRecording", "POST", "/__sim/recordings", body: .object(["engagementId": "$response.body#/engagementId"]))
    }

    /// The absolute URL of this request's path, as the client reached it (for `links.next`).
    func absoluteURL(_ request: HTTPRequest) -> String {
        publicBase.url(for: request) + request.path
    }
}
