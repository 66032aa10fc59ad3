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

    package init(session: ChatSession, engagements: [EngagementView]) {
        self.session = session
        self.engagements = engagements
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
