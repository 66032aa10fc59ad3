import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import AXPSimStore
import Foundation

/// The control plane of SPEC section 10's queues: `/__sim/accounts/{a}/queues[/{q}]` and the
/// agents' availability.
struct QueueController: Sendable {
    let chat: ChatService
    let store: Store

    func addRoutes(to table: inout RouteTable) {
        let queues = "/__sim/accounts/{accountId}/queues"
        let queue = "\(queues)/{queueId}"
        table.add("GET", queues, .control, "The account's routing queues with their agents",
            .json(200, .record(["queues": .array(RoutingQueue.schema)]))) { request in
            let account = try self.store.requireAccount(request)
            return .respond(JSONResponses.json(200, ["queues": try self.chat.queues(accountId: account.accountId)]))
        }
        table.add("POST", queues, .control, "Create a routing queue (its queueId is generated when omitted)",
            Self.queueLinks(.json(201, RoutingQueue.schema).optionalBody { try RoutingRequests.queue($0, accountId: "") })) { request in
            let account = try self.store.requireAccount(request)
            let created = try RoutingRequests.queue(request.optionalJSONObject(), accountId: account.accountId)
            return .respond(JSONResponses.json(201, try self.chat.createQueue(created)))
        }
        table.add("GET", queue, .control, "A queue with its waiting chats (positions, waited time) and each agent's load",
            .json(200, QueueView.schema)) { request in
            let account = try self.store.requireAccount(request)
            return .respond(JSONResponses.json(200, try self.chat.queueView(accountId: account.accountId, queueId: request.parameter("queueId"))))
        }
        table.add("PATCH", queue, .control, "Update a queue (given fields replace its own; waiting chats are offered again)",
            .json(200, RoutingQueue.schema).body {
                try RoutingRequests.queue($0, accountId: "", current: RoutingQueue(accountId: "", queueId: ""))
            }) { request in
            let account = try self.store.requireAccount(request)
            let current = try self.chat.queue(accountId: account.accountId, queueId: request.parameter("queueId"))
            let updated = try RoutingRequests.queue(request.jsonObject(), accountId: account.accountId, current: current)
            return .respond(JSONResponses.json(200, try self.chat.updateQueue(updated)))
        }
        table.add("DELETE", queue, .control, "Delete a queue (409 while an integration routes to it or chats are in it)", .noContent) {
            request in
            let account = try self.store.requireAccount(request)
            try self.chat.deleteQueue(accountId: account.accountId, queueId: request.parameter("queueId"))
            return .respond(.empty(204))
        }
        table.add("POST", "\(queue)/agents/{agentId}/state", .control, "Make an agent available (it takes waiting chats at once) or away",
            .json(200, RoutingQueue.agentSchema).body { _ = try RoutingRequests.agentState($0) }) { request in
            let account = try self.store.requireAccount(request)
            let state = try RoutingRequests.agentState(request.jsonObject())
            let agent = try self.chat.setAgentState(
                accountId: account.accountId, queueId: request.parameter("queueId"), agentId: request.parameter("agentId"), state)
            return .respond(JSONResponses.json(200, agent))
        }
    }

    /// What a new queue's id feeds.
    private static func queueLinks(_ doc: RouteDoc) -> RouteDoc {
        let queue = "/__sim/accounts/{accountId}/queues/{queueId}"
        let id = ["queueId": "$response.body#/queueId"]
        return doc.link("GetQueue", "GET", queue, id).link("UpdateQueue", "PATCH", queue, id).link("DeleteQueue", "DELETE", queue, id)
    }
}
