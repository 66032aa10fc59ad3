/// What the Omni SDK's calls carry (OMNI-SDK.md §2), validated like every request: each violation
/// reported at once (400 `constraint_violation`). Calls whose body is the Chat SDK's (create
/// session, create engagement, join) use ``SDKRequests``.
public enum OmniRequests {
    /// The query of `GET …/conversations/{id}/messages` (the SDK sends `orderby`, lowercase).
    public static let historyQuery = [
        QueryParameter.text("sessionId", "The session asking (checked against the caller's customer)"),
        QueryParameter.integer("pageSize", default: 10, range: 1...100, "Messages per page"),
        QueryParameter.integer("pageNumber", default: 1, range: 1...1_000_000, "Page number, from 1"),
        QueryParameter.text("orderby", oneOf: ["asc", "desc", "ASC", "DESC"], "Newest first (desc, the default) or oldest first (asc)"),
    ]

    /// Validates the history query.
    public static func historyPage(_ query: [String: String]) throws(AXPSimError) -> SDKRequests.MessagePage {
        var violations: [Violation] = []
        let parameters = historyQuery
        let sessionId = parameters[0].text(in: query, into: &violations)
        let pageSize = parameters[1].int(in: query, into: &violations)
        let pageNumber = parameters[2].int(in: query, into: &violations)
        let order = parameters[3].text(in: query, into: &violations) ?? "desc"
        if !violations.isEmpty { throw .constraintViolation(violations) }
        return SDKRequests.MessagePage(
            sessionId: sessionId, dialogId: nil, pageSize: pageSize, pageNumber: pageNumber, ascending: order.lowercased() == "asc")
    }

    /// `POST …/engagements/{id}/messages`: the Omni SDK's send, with any body its customer may send
    /// (``MessageBody/customer(omni:maxTextLength:field:)``).
    public static func sendMessage(_ object: [String: JSONValue], maxTextLength: Int) throws(AXPSimError) -> SDKRequests.SendMessage {
        var reader = FieldReader(object)
        let sessionId = reader.string("sessionId", required: true, length: 1...128)
        let dialogId = reader.string("dialogId", length: 1...128)
        let parent = reader.string("parentMessageId", length: 1...128)
        let body = reader.messageBody("body", required: true, from: .omniCustomer, maxTextLength: maxTextLength)
        try reader.check()
        guard let sessionId, let body else { throw .constraintViolation(reader.violations) }
        return SDKRequests.SendMessage(sessionId: sessionId, dialogId: dialogId, parentMessageId: parent, body: body.stored, text: body.text)
    }

    /// `DELETE …/sessions/{id}?reason=`: the SDK's shutdown reasons.
    public static let shutdownReasonQuery = QueryParameter.text(
        "reason", oneOf: ["USER_CLOSED", "USER_INACTIVE", "UNKNOWN"], "Why the SDK shuts down (default USER_CLOSED)")

    /// Validates the shutdown reason.
    public static func shutdownReason(_ query: [String: String]) throws(AXPSimError) -> String {
        var violations: [Violation] = []
        let reason = shutdownReasonQuery.text(in: query, into: &violations)
        if !violations.isEmpty { throw .constraintViolation(violations) }
        return reason ?? "USER_CLOSED"
    }
}
