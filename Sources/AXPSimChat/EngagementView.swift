import AXPSimCore

/// An engagement as the chat answers it: the chat and its participants (present and past).
package struct EngagementView: Sendable {
    package let engagement: Engagement
    package let participants: [Participant]

    package init(engagement: Engagement, participants: [Participant]) {
        self.engagement = engagement
        self.participants = participants
    }
}

/// A session as the chat answers it: the session and its customer's open engagements.
package struct SessionView: Sendable {
    package let session: ChatSession
    package let engagements: [EngagementView]
    /// The customer's conversation on the integration (one; empty only for sessions stored before
    /// conversations existed).
    package let conversations: [Conversation]

    package init(session: ChatSession, engagements: [EngagementView], conversations: [Conversation] = []) {
        self.session = session
        self.engagements = engagements
        self.conversations = conversations
    }
}

/// One page of a chat's messages, and where the next page starts.
package struct MessagePage: Sendable {
    package let messages: [ChatMessage]
    /// The request this page answers.
    package let request: SDKRequests.MessagePage
    /// The engagement's dialog.
    package let dialogId: String
    /// Messages in the chat.
    package let total: Int

    package var hasNext: Bool { request.pageNumber * request.pageSize < total }
    package var totalPages: Int { (total + request.pageSize - 1) / request.pageSize }
}

/// One page of a conversation's messages across its chats (the Omni SDK's history).
package struct ConversationPage: Sendable {
    package let messages: [ChatMessage]
    /// The request this page answers.
    package let request: SDKRequests.MessagePage
    package let conversationId: String
    /// Messages in the conversation.
    package let total: Int

    package var hasNext: Bool { request.pageNumber * request.pageSize < total }
    package var totalPages: Int { (total + request.pageSize - 1) / request.pageSize }
}
