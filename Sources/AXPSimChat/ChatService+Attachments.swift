import AXPSimCore
import AXPSimStore
import Foundation

/// Attachments (SPEC §3.2): a customer announces a file (`:generateUploadUrl`), uploads it once
/// through its signed URL, then sends it in one file or image message; the contact center uploads
/// files through the control plane and sends them the same way. The chat knows no host, URL or
/// signature: the server signs and checks the URLs, and writes them when it renders messages.
extension ChatService {
    // MARK: Customer uploads

    /// `:generateUploadUrl`: a pending attachment of the caller's session on an open chat it
    /// follows, whose upload URL works until ``AttachmentPolicy/uploadWindow`` on the account's clock.
    package func announceUpload(_ caller: SDKCaller, _ engagementId: String, _ request: OmniRequests.UploadRequest) throws -> ChatAttachment {
        if let sessionId = request.sessionId { try adoptToken(caller, sessionId: sessionId) }
        let now = try now(caller.accountId)
        return try store.chatWrite { tx in try announceUpload(tx, caller, engagementId, request, at: now) }
    }

    /// ``announceUpload(_:_:_:)`` inside the caller's transaction.
    package func announceUpload(
        _ tx: ChatTransaction, _ caller: SDKCaller, _ engagementId: String, _ request: OmniRequests.UploadRequest, at now: Date
    ) throws -> ChatAttachment {
        let engagement = try requireEngagement(tx, caller, engagementId)
        guard !engagement.isEnded else { throw AXPSimError.engagementEnded(engagementId) }
        let session = try uploadingSession(tx, caller, engagement, sessionId: request.sessionId)
        let attachment = ChatAttachment(
            attachmentId: Identifiers.newUUID(), accountId: caller.accountId, engagementId: engagementId, sessionId: session.sessionId,
            name: request.name, contentType: request.contentType, declaredSize: request.size, state: .pending, createdAt: now,
            uploadExpiresAt: now.addingTimeInterval(AttachmentPolicy.uploadWindow))
        try tx.insertAttachment(attachment)
        return attachment
    }

    /// The session an upload is announced from: the one named, else the caller's session that
    /// follows the chat as its customer (the one holding the caller's token, else the newest).
    /// 409 `engagement_not_joined` when no session of the caller's follows the chat.
    private func uploadingSession(_ tx: ChatTransaction, _ caller: SDKCaller, _ engagement: Engagement, sessionId: String?) throws -> ChatSession {
        let notJoined = AXPSimError.conflict(
            code: "engagement_not_joined", detail: "No session of this customer follows the engagement; create or join it first")
        if let sessionId {
            let session = try requireSession(tx, caller, sessionId)
            guard try customerParticipant(tx, engagement.engagementId, sessionId: sessionId) != nil else { throw notJoined }
            return session
        }
        var candidates: [ChatSession] = []
        for id in try tx.followers(engagement.engagementId) {
            guard let session = try tx.session(id), session.state == .active, session.accountId == caller.accountId,
                session.integrationId == caller.integration.integrationId, session.customerId == caller.customerId,
                try customerParticipant(tx, engagement.engagementId, sessionId: id) != nil
            else { continue }
            candidates.append(session)
        }
        let newestFirst = candidates.sorted { ($0.createdAt, $0.sessionId) > ($1.createdAt, $1.sessionId) }
        guard let session = newestFirst.first(where: { $0.tokenJti == caller.jti }) ?? newestFirst.first else { throw notJoined }
        return session
    }

    /// An attachment's record (no bytes), or nil (any account: the server checks the URL's
    /// signature against the record's account).
    package func attachment(_ attachmentId: String) throws -> ChatAttachment? {
        try store.chatRead { try $0.attachment(attachmentId) }
    }

    /// The bytes sent to an upload URL: stored once, if they are exactly the announced size and
    /// type. Refused, storing nothing, with 404 (unknown id), 409 `attachment_already_uploaded`,
    /// 403 `signed_url_expired` (the upload window is over), 409 `engagement_ended`,
    /// 413/400 `attachment_size_mismatch`, 400 on `mediaFile` (another type).
    package func receiveUpload(_ attachmentId: String, _ file: AttachmentFile) throws -> ChatAttachment {
        guard let known = try attachment(attachmentId) else { throw AXPSimError.notFound(resource: "attachment", id: attachmentId) }
        let now = try now(known.accountId)
        return try store.chatWrite { tx in try receiveUpload(tx, attachmentId, file, at: now) }
    }

    /// ``receiveUpload(_:_:)`` inside the caller's transaction.
    package func receiveUpload(_ tx: ChatTransaction, _ attachmentId: String, _ file: AttachmentFile, at now: Date) throws -> ChatAttachment {
        guard var attachment = try tx.attachment(attachmentId) else { throw AXPSimError.notFound(resource: "attachment", id: attachmentId) }
        guard attachment.state == .pending else { throw AXPSimError.attachmentAlreadyUploaded(attachmentId) }
        guard now < attachment.uploadExpiresAt else { throw AXPSimError.signedURLRejected(expired: true) }
        guard let engagement = try tx.engagement(attachment.engagementId), !engagement.isEnded else {
            throw AXPSimError.engagementEnded(attachment.engagementId)
        }
        let received = Int64(file.data.count)
        guard received == attachment.declaredSize else {
            throw AXPSimError.attachmentSizeMismatch(declared: attachment.declaredSize, received: received)
        }
        let type = AttachmentPolicy.essence(file.contentType ?? AttachmentPolicy.defaultType)
        guard type == AttachmentPolicy.essence(attachment.contentType) else {
            throw AXPSimError.constraintViolation([
                Violation(
                    field: "mediaFile", message: "Content-Type \(type) is not the declared \(AttachmentPolicy.essence(attachment.contentType))",
                    code: .invalidValue)
            ])
        }
        guard try tx.storeUpload(attachmentId, data: file.data, at: now) else { throw AXPSimError.attachmentAlreadyUploaded(attachmentId) }
        attachment.state = .uploaded
        attachment.size = received
        attachment.uploadedAt = now
        return attachment
    }

    // MARK: Contact-center uploads

    /// The contact center uploads a file to an open chat (control plane): stored at once, ready
    /// to be sent by an agent message. Its name is the part's filename; name, type and size
    /// follow the same rules as a customer's (400 violations on `mediaFile`).
    package func contactCenterUpload(_ engagementId: String, _ file: AttachmentFile) throws -> ChatAttachment {
        let accountId = try store.chatRead { tx in try requireEngagement(tx, engagementId).accountId }
        let now = try now(accountId)
        return try store.chatWrite { tx in try contactCenterUpload(tx, engagementId, file, at: now) }
    }

    /// ``contactCenterUpload(_:_:)`` inside the caller's transaction.
    package func contactCenterUpload(_ tx: ChatTransaction, _ engagementId: String, _ file: AttachmentFile, at now: Date) throws -> ChatAttachment {
        let engagement = try requireEngagement(tx, engagementId)
        guard !engagement.isEnded else { throw AXPSimError.engagementEnded(engagementId) }
        // Stored without parameters: a type of the allow-list once checked.
        let type = AttachmentPolicy.essence(file.contentType ?? AttachmentPolicy.defaultType)
        let size = Int64(file.data.count)
        let violations = AttachmentPolicy.violations(
            name: file.filename, type: type, size: size, maxBytes: maxAttachmentBytes, nameField: "mediaFile", typeField: "mediaFile",
            sizeField: "mediaFile")
        if !violations.isEmpty { throw AXPSimError.constraintViolation(violations) }
        let attachment = ChatAttachment(
            attachmentId: Identifiers.newUUID(), accountId: engagement.accountId, engagementId: engagementId, sessionId: nil, name: file.filename,
            contentType: type, declaredSize: size, size: size, state: .uploaded, createdAt: now, uploadExpiresAt: now, uploadedAt: now)
        try tx.insertAttachment(attachment, data: file.data)
        return attachment
    }

    // MARK: Sending and reading

    /// The attachments a file or image body names, checked and ready to be carried by a message:
    /// each an uploaded, unused attachment of this account and chat, uploaded by `sessionId`
    /// (a customer's message) or by the contact center (`sessionId` nil); an image's must be
    /// images. Anything else is a 400 violation on `body.richMediaPayload.attachmentIds`, the same
    /// for an id that does not exist and one of another customer or account (nothing is revealed).
    /// Other kinds of body carry no attachment.
    func attachmentsToSend(_ tx: ChatTransaction, _ body: MessageBody, accountId: String, engagementId: String, sessionId: String?) throws
        -> [MessageAttachment]
    {
        guard body.elementType == .file || body.elementType == .image else { return [] }
        var attachments: [MessageAttachment] = []
        var violations: [Violation] = []
        let field = "body.richMediaPayload.attachmentIds"
        for id in body.attachmentIds {
            guard let attachment = try tx.attachment(id), attachment.accountId == accountId, attachment.engagementId == engagementId,
                attachment.sessionId == sessionId, attachment.state != .pending
            else {
                let uploader = sessionId == nil ? "the contact center" : "this session"
                violations.append(Violation(field: field, message: "\(id) is not a file uploaded by \(uploader) to this engagement", code: .invalidValue))
                continue
            }
            if attachment.state == .attached {
                violations.append(Violation(field: field, message: "\(id) was already sent in another message", code: .invalidValue))
            } else if body.elementType == .image, !AttachmentPolicy.essence(attachment.contentType).hasPrefix("image/") {
                violations.append(Violation(field: field, message: "\(id) is not an image (\(attachment.contentType)); send it as a file", code: .invalidValue))
            } else if attachments.contains(where: { $0.attachmentId == id }) {
                violations.append(Violation(field: field, message: "\(id) is named twice", code: .invalidValue))
            } else {
                attachments.append(attachment.metadata)
            }
        }
        if !violations.isEmpty { throw AXPSimError.constraintViolation(violations) }
        return attachments
    }

    /// Marks the attachments as carried by `message` (after it was stored in the same transaction).
    func markSent(_ tx: ChatTransaction, _ message: ChatMessage) throws {
        guard !message.attachments.isEmpty else { return }
        guard try tx.attach(message.attachments.map(\.attachmentId), messageId: message.messageId) else {
            throw AXPSimError.constraintViolation([
                Violation(field: "body.richMediaPayload.attachmentIds", message: "was already sent in another message", code: .invalidValue)
            ])
        }
    }

    /// An attachment's record and bytes, to serve them (404 when unknown or never uploaded).
    package func attachmentContent(_ attachmentId: String) throws -> (ChatAttachment, Data) {
        try store.chatRead { tx in
            guard let attachment = try tx.attachment(attachmentId), attachment.state != .pending, let data = try tx.attachmentData(attachmentId)
            else { throw AXPSimError.notFound(resource: "attachment", id: attachmentId) }
            return (attachment, data)
        }
    }

    /// The attachments of a chat (control plane), oldest first.
    package func attachments(ofEngagement engagementId: String) throws -> [ChatAttachment] {
        try store.chatRead { tx in
            _ = try requireEngagement(tx, engagementId)
            return try tx.attachments(engagementId: engagementId)
        }
    }
}

extension AXPSimError {
    /// A second upload to the same upload URL.
    package static func attachmentAlreadyUploaded(_ attachmentId: String) -> AXPSimError {
        .conflict(code: "attachment_already_uploaded", detail: "The file of attachment \(attachmentId) was already uploaded; ask for a new upload URL")
    }
}
