import AXPSimCore
import AXPSimStore
import Foundation

/// Conversations: the customer's durable history on an integration (the Omni SDK's view).
extension ChatService {
    /// The conversation an engagement belongs to (nil for chats stored before conversations).
    package func conversationId(ofEngagement engagementId: String) throws -> String? {
        try store.chatRead { try $0.engagement(engagementId)?.conversationId }
    }

    /// `GET …/conversations/{id}/messages`: one page of the conversation's messages, across its
    /// chats. Only the conversation's own customer, on its integration, may read it (404 otherwise,
    /// as for another account's ids).
    package func conversationMessages(_ caller: SDKCaller, _ conversationId: String, _ page: SDKRequests.MessagePage) throws -> ConversationPage {
        try store.chatRead { tx in
            if let sessionId = page.sessionId { _ = try requireSession(tx, caller, sessionId, allowClosed: true) }
            guard let conversation = try tx.conversation(conversationId), conversation.accountId == caller.accountId,
                conversation.integrationId == caller.integration.integrationId, conversation.customerId == caller.customerId
            else { throw AXPSimError.notFound(resource: "conversation", id: conversationId) }
            return ConversationPage(
                messages: try tx.conversationMessages(
                    conversationId, pageSize: page.pageSize, pageNumber: page.pageNumber, ascending: page.ascending),
                request: page, conversationId: conversationId, total: try tx.conversationMessageCount(conversationId))
        }
    }
}
