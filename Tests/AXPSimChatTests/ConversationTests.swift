import AXPSimChat
import AXPSimCore
import AXPSimStore
import Foundation
import Testing

/// The Omni SDK's side of the chat core, without transport: conversations, the open-chat limit,
/// history across chats, and events in each SDK family's shape.
@Suite struct ConversationTests {
    func omniSession(_ core: ChatHarness, _ caller: SDKCaller) throws -> SessionView {
        try core.chat.createSession(caller, SDKRequests.CreateSession(displayName: nil, clientType: "web", sessionParameters: [:]), family: .omni)
    }

    @Test func aCustomerHasOneConversationPerIntegrationWhateverTheFamily() throws {
        let core = try ChatHarness()
        let ann = try core.caller("ann")
        let omni = try omniSession(core, ann)
        let web = try core.chat.createSession(ann, SDKRequests.CreateSession(displayName: nil, clientType: "web", sessionParameters: [:]))
        #expect(omni.conversations.count == 1 && omni.conversations.map(\.conversationId) == web.conversations.map(\.conversationId))
        #expect(omni.session.family == .omni && omni.session.participantId != nil)
        #expect(web.session.family == .chat && web.session.participantId == nil)
        let elsewhere = try omniSession(core, try core.caller("ann", on: core.other))
        #expect(elsewhere.conversations.map(\.conversationId) != omni.conversations.map(\.conversationId), "one per integration")
        let chat = try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: web.session.sessionId, engagementParameters: [:]))
        #expect(chat.engagement.conversationId == omni.conversations.first?.conversationId, "a Chat SDK chat belongs to the conversation too")
    }

    @Test func anOmniSessionMayHoldOneOpenChatAndTheIntegrationMayChangeIt() throws {
        let core = try ChatHarness()
        let ann = try core.caller("ann")
        let session = try omniSession(core, ann).session.sessionId
        let first = try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: session, engagementParameters: [:]))
        #expect(throws: AXPSimError.engagementLimitReached) {
            try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: session, engagementParameters: [:]))
        }
        try core.chat.end(first.engagement.engagementId, reason: "AGENT_CLOSED")
        let second = try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: session, engagementParameters: [:]))
        #expect(second.engagement.conversationId == first.engagement.conversationId)
        var integration = core.integration
        integration.maxOpenEngagements = 2
        try core.store.updateIntegration(integration)
        let widened = SDKCaller(claims: ann.claims, integration: integration)
        _ = try core.chat.createEngagement(widened, SDKRequests.CreateEngagement(sessionId: session, engagementParameters: [:]))
        #expect(throws: AXPSimError.engagementLimitReached) {
            try core.chat.createEngagement(widened, SDKRequests.CreateEngagement(sessionId: session, engagementParameters: [:]))
        }
    }

    @Test func historyPagesAcrossChatsNumberedAcrossTheConversation() throws {
        let core = try ChatHarness()
        let ann = try core.caller("ann")
        let view = try omniSession(core, ann)
        let session = view.session.sessionId
        let conversationId = try #require(view.conversations.first?.conversationId)
        for round in 0..<2 {
            let chat = try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: session, engagementParameters: [:]))
            for index in 0..<3 { _ = try core.say(ann, session, chat.engagement.engagementId, "r\(round)m\(index)") }
            try core.chat.end(chat.engagement.engagementId, reason: "AGENT_CLOSED")
        }
        let newest = try core.chat.conversationMessages(ann, conversationId, try OmniRequests.historyPage(["pageSize": "4"]))
        #expect(newest.messages.map(\.text) == ["r1m2", "r1m1", "r1m0", "r0m2"] && newest.total == 6 && newest.hasNext)
        #expect(newest.messages.map(\.conversationIndex) == [6, 5, 4, 3])
        let older = try core.chat.conversationMessages(ann, conversationId, try OmniRequests.historyPage(["pageSize": "4", "pageNumber": "2"]))
        #expect(older.messages.map(\.text) == ["r0m1", "r0m0"] && !older.hasNext)
        #expect(older.messages.map(\.messageIndex) == [2, 1], "each chat keeps its own index for the Chat SDK")
        let bob = try core.caller("bob")
        #expect(throws: AXPSimError.notFound(resource: "conversation", id: conversationId)) {
            try core.chat.conversationMessages(bob, conversationId, try OmniRequests.historyPage([:]))
        }
    }

    @Test func eachFollowerGetsTheEventInItsFamilysShape() throws {
        let core = try ChatHarness()
        let ann = try core.caller("ann")
        let omni = try omniSession(core, ann).session.sessionId
        let web = try core.session(ann)
        let chat = try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: omni, engagementParameters: [:]))
        let engagementId = chat.engagement.engagementId
        _ = try core.chat.join(ann, engagementId, SDKRequests.DialogAction(sessionId: web, dialogId: nil, reason: nil))
        let agent = try core.chat.participantJoin(engagementId, type: .agent, displayName: "Alice")
        let offer = MessageBody.selection(MessageBody.Action(type: .postback, text: "Yes", payload: "yes"), text: "Go on?")
        _ = try core.chat.participantMessage(engagementId, body: .text("Hi"), participantId: agent.participantId, types: [.agent])
        _ = try core.chat.participantMessage(engagementId, body: offer, participantId: agent.participantId, types: [.agent])
        let omniEvents = try core.events(omni).filter { $0.eventType == .message }
        let webEvents = try core.events(web).filter { $0.eventType == .message }
        #expect(omniEvents.map { $0.fields["message"]?.objectValue["body"]?.objectValue["elementType"] } == [.string("text"), .string("postback")])
        #expect(webEvents.map { $0.fields["message"]?.objectValue["body"]?.objectValue["elementType"] } == [.string("TEXT"), .string("postback")])
        #expect(omniEvents.allSatisfy { $0.fields["conversationId"] == .string(chat.engagement.conversationId ?? "") })
        #expect(webEvents.allSatisfy { $0.fields["conversationId"] == nil }, "the Chat SDK's events are as they always were")
    }
}
