import AXPSimAuth
import AXPSimChat
import AXPSimCore
import AXPSimStore
import Foundation
import Testing

/// The chat side of attachments (no HTTP): announce, upload once, send once, by the right
/// session or the contact center only; and the store's deletes (prune, reset) take the files along.
@Suite struct ChatAttachmentTests {
    static let pdf = Data("%PDF-1.4 a small invoice".utf8)
    static let field = "body.richMediaPayload.attachmentIds"

    /// A customer of `core` with an Omni session in a new chat.
    struct Customer {
        let caller: SDKCaller
        let sessionId: String
        let engagementId: String
    }

    func customer(_ core: ChatHarness, _ id: String, engagementId: String? = nil) throws -> Customer {
        let caller = try core.caller(id)
        let sessionId = try core.chat.createSession(
            caller, SDKRequests.CreateSession(displayName: nil, clientType: "web", sessionParameters: [:]), family: .omni
        ).session.sessionId
        if let engagementId {
            _ = try core.chat.join(caller, engagementId, SDKRequests.DialogAction(sessionId: sessionId, dialogId: nil, reason: nil))
            return Customer(caller: caller, sessionId: sessionId, engagementId: engagementId)
        }
        let chat = try core.chat.createEngagement(caller, SDKRequests.CreateEngagement(sessionId: sessionId, engagementParameters: [:]))
        return Customer(caller: caller, sessionId: sessionId, engagementId: chat.engagement.engagementId)
    }

    func announce(_ core: ChatHarness, _ who: Customer, name: String = "invoice.pdf", size: Int = Self.pdf.count, type: String = "application/pdf")
        throws -> ChatAttachment
    {
        try core.chat.announceUpload(
            who.caller, who.engagementId, OmniRequests.UploadRequest(name: name, contentType: type, size: Int64(size)))
    }

    func upload(_ core: ChatHarness, _ who: Customer, name: String = "invoice.pdf", data: Data = Self.pdf, type: String = "application/pdf") throws
        -> String
    {
        let attachment = try announce(core, who, name: name, size: data.count, type: type)
        _ = try core.chat.receiveUpload(attachment.attachmentId, AttachmentFile(filename: name, contentType: type, data: data))
        return attachment.attachmentId
    }

    func send(_ core: ChatHarness, _ who: Customer, _ id: String, kind: MessageBody.ElementType = .file) throws -> ChatMessage {
        let body = MessageBody.attachment(kind, ids: [id])
        return try core.chat.sendMessage(
            who.caller, who.engagementId,
            SDKRequests.SendMessage(sessionId: who.sessionId, dialogId: nil, parentMessageId: nil, body: body.stored, text: body.text))
    }

    func refused(_ id: String, _ message: String) -> AXPSimError {
        .constraintViolation([Violation(field: Self.field, message: "\(id) \(message)", code: .invalidValue)])
    }

    func stored(_ core: ChatHarness, _ id: String) throws -> (ChatAttachment?, Data?) {
        try core.store.chatRead { (try $0.attachment(id), try $0.attachmentData(id)) }
    }

    @Test func aFileIsAnnouncedUploadedOnceAndSentOnce() throws {
        let core = try ChatHarness()
        let ann = try customer(core, "ann")
        let announced = try announce(core, ann)
        #expect(announced.state == .pending && announced.sessionId == ann.sessionId && announced.declaredSize == Int64(Self.pdf.count))
        #expect(announced.uploadExpiresAt == ChatHarness.start.addingTimeInterval(15 * 60), "15 minutes on the account's clock")
        let file = AttachmentFile(filename: "whatever.pdf", contentType: "application/pdf; charset=binary", data: Self.pdf)
        let uploaded = try core.chat.receiveUpload(announced.attachmentId, file)
        #expect(uploaded.state == .uploaded && uploaded.size == Int64(Self.pdf.count) && uploaded.name == "invoice.pdf")
        #expect(throws: AXPSimError.attachmentAlreadyUploaded(announced.attachmentId)) { try core.chat.receiveUpload(announced.attachmentId, file) }

        let message = try send(core, ann, announced.attachmentId)
        #expect(message.attachments == [MessageAttachment(attachmentId: announced.attachmentId, name: "invoice.pdf", size: 24, contentType: "application/pdf")])
        let (record, data) = try stored(core, announced.attachmentId)
        #expect(record?.state == .attached && record?.messageId == message.messageId && data == Self.pdf)
        #expect(throws: refused(announced.attachmentId, "was already sent in another message")) { try send(core, ann, announced.attachmentId) }
        // The MESSAGE event keeps the metadata (the server adds the url when it delivers it).
        let event = try #require(try core.events(ann.sessionId).last { $0.eventType == .message })
        let files = event.fields["message"]?.objectValue["attachments"]?.arrayValue ?? []
        #expect(files == [.object(["attachmentId": .string(announced.attachmentId), "name": "invoice.pdf", "size": .int(24), "contentType": "application/pdf"])])
        #expect(try core.chat.attachmentContent(announced.attachmentId).1 == Self.pdf)
        // A text message carries an empty list on the Omni SDK.
        let text = MessageBody.text("hello")
        _ = try core.chat.sendMessage(
            ann.caller, ann.engagementId, SDKRequests.SendMessage(sessionId: ann.sessionId, dialogId: nil, parentMessageId: nil, body: text.stored, text: "hello"))
        #expect(try core.events(ann.sessionId).last?.fields["message"]?.objectValue["attachments"] == .array([]))
    }

    @Test func uploadsThatBreakTheirAnnouncementStoreNothing() throws {
        let core = try ChatHarness()
        let ann = try customer(core, "ann")
        let id = try announce(core, ann).attachmentId
        let bigger = AttachmentFile(filename: "invoice.pdf", contentType: "application/pdf", data: Self.pdf + Data("x".utf8))
        let larger = AXPSimError.attachmentSizeMismatch(declared: 24, received: 25)
        #expect(larger.status == 413 && larger.code == "attachment_size_mismatch")
        #expect(throws: larger) { try core.chat.receiveUpload(id, bigger) }
        let smaller = AXPSimError.attachmentSizeMismatch(declared: 24, received: 23)
        #expect(smaller.status == 400)
        #expect(throws: smaller) { try core.chat.receiveUpload(id, AttachmentFile(filename: "i.pdf", contentType: "application/pdf", data: Self.pdf.dropLast())) }
        #expect(throws: AXPSimError.constraintViolation([Violation(field: "mediaFile", message: "Content-Type image/png is not the declared application/pdf", code: .invalidValue)])) {
            try core.chat.receiveUpload(id, AttachmentFile(filename: "i.pdf", contentType: "image/png", data: Self.pdf))
        }
        #expect(throws: AXPSimError.constraintViolation([Violation(field: "mediaFile", message: "Content-Type application/octet-stream is not the declared application/pdf", code: .invalidValue)])) {
            try core.chat.receiveUpload(id, AttachmentFile(filename: "i.pdf", contentType: nil, data: Self.pdf))
        }
        #expect(throws: AXPSimError.notFound(resource: "attachment", id: "nope")) {
            try core.chat.receiveUpload("nope", AttachmentFile(filename: "i.pdf", contentType: "application/pdf", data: Self.pdf))
        }
        var (record, data) = try stored(core, id)
        #expect(record?.state == .pending && data == nil)
        // After the upload window (the account's clock), and on an ended chat: refused too.
        try core.clocks.set(accountId: "CORE01", ClockState(mode: .virtual, virtualNow: ChatHarness.start.addingTimeInterval(15 * 60)))
        let good = AttachmentFile(filename: "i.pdf", contentType: "application/pdf", data: Self.pdf)
        #expect(throws: AXPSimError.signedURLRejected(expired: true)) { try core.chat.receiveUpload(id, good) }
        let late = try announce(core, ann).attachmentId
        try core.chat.end(ann.engagementId, reason: "AGENT_CLOSED")
        #expect(throws: AXPSimError.engagementEnded(ann.engagementId)) { try core.chat.receiveUpload(late, good) }
        #expect(throws: AXPSimError.engagementEnded(ann.engagementId)) { try announce(core, ann) }
        (record, data) = try stored(core, late)
        #expect(record?.state == .pending && data == nil)
    }

    @Test func aMessageNamesOnlyUnusedFilesOfItsOwnSessionAndChat() throws {
        let core = try ChatHarness()
        let ann = try customer(core, "ann")
        let bob = try customer(core, "bob")
        let tablet = try customer(core, "ann", engagementId: ann.engagementId)
        let annElsewhere = try customer(core, "ann-2")
        let bobs = try upload(core, bob)
        let tablets = try upload(core, tablet)
        let pending = try announce(core, ann).attachmentId
        let agents = try core.chat.contactCenterUpload(ann.engagementId, AttachmentFile(filename: "t.pdf", contentType: "application/pdf", data: Self.pdf))
        let otherChat = try upload(core, annElsewhere)
        for id in [bobs, tablets, pending, agents.attachmentId, otherChat, "unknown"] {
            #expect(throws: refused(id, "is not a file uploaded by this session to this engagement")) { try send(core, ann, id) }
        }
        // The announcing session is found from the token when the SDK does not name it.
        #expect(try core.store.chatRead { try $0.attachment(tablets) }?.sessionId == tablet.sessionId)
        let pdf = try upload(core, ann)
        #expect(throws: refused(pdf, "is not an image (application/pdf); send it as a file")) { try send(core, ann, pdf, kind: .image) }
        let png = try upload(core, ann, name: "photo.PNG", data: Data([0x89, 0x50, 0x4E, 0x47]), type: "image/png")
        #expect(try send(core, ann, png, kind: .image).attachments.map(\.contentType) == ["image/png"])
        #expect(try send(core, tablet, tablets).attachments.count == 1)
        // Nothing of the refused sends was stored.
        #expect(try core.store.chatRead { try $0.messageCount(ann.engagementId) } == 2)
    }

    @Test func theContactCenterUploadsWithinThePolicyAndSendsItsOwnFiles() throws {
        let core = try ChatHarness()
        let ann = try customer(core, "ann")
        let agent = try core.chat.participantJoin(ann.engagementId, type: .agent, displayName: "Alice")
        func upload(_ name: String, _ data: Data, _ type: String?) throws -> ChatAttachment {
            try core.chat.contactCenterUpload(ann.engagementId, AttachmentFile(filename: name, contentType: type, data: data))
        }
        #expect(throws: AXPSimError.self) { try upload("run.exe", Self.pdf, "application/octet-stream") }
        #expect(throws: AXPSimError.self) { try upload("empty.pdf", Data(), "application/pdf") }
        #expect(throws: AXPSimError.self) { try upload("a.pdf", Data(count: AttachmentPolicy.defaultMaxBytes + 1), "application/pdf") }
        #expect(throws: AXPSimError.self) { try upload("a/b.pdf", Self.pdf, "application/pdf") }
        let terms = try upload("terms.pdf", Self.pdf, "Application/PDF; x=1")
        #expect(terms.state == .uploaded && terms.isFromContactCenter && terms.contentType == "application/pdf")
        let customers = try self.upload(core, ann)
        let body = MessageBody.attachment(.file, ids: [terms.attachmentId], caption: "our terms")
        let message = try core.chat.participantMessage(ann.engagementId, body: body, participantId: agent.participantId, types: [.agent])
        #expect(message.attachments.map(\.name) == ["terms.pdf"])
        #expect(throws: refused(customers, "is not a file uploaded by the contact center to this engagement")) {
            try core.chat.participantMessage(ann.engagementId, body: .attachment(.file, ids: [customers]), participantId: nil, types: [.agent])
        }
        let second = try upload("b.pdf", Self.pdf, "application/pdf")
        #expect(throws: refused(second.attachmentId, "is named twice")) {
            try core.chat.participantMessage(ann.engagementId, body: .attachment(.file, ids: [second.attachmentId, second.attachmentId]), participantId: nil, types: [.agent])
        }
        let event = try #require(try core.events(ann.sessionId).last { $0.eventType == .message })
        #expect(event.fields["message"]?.objectValue["attachments"]?.arrayValue.first?.objectValue["name"] == "terms.pdf")
    }

    @Test func pruneAndResetTakeTheFilesAlong() throws {
        let core = try ChatHarness()
        let ann = try customer(core, "ann")
        let sent = try upload(core, ann)
        _ = try send(core, ann, sent)
        let never = try announce(core, ann).attachmentId
        let bob = try customer(core, "bob")
        let bobs = try upload(core, bob)
        try core.chat.end(ann.engagementId, reason: "AGENT_CLOSED")
        let report = try core.store.prune(accountId: "CORE01", before: ChatHarness.start.addingTimeInterval(3600))
        #expect(report.attachments == 2, "the ended chat's file, and the announcement whose window closed")
        #expect(try stored(core, sent).0 == nil && stored(core, never).0 == nil)
        #expect(try stored(core, bobs).1 == Self.pdf, "the open chat's file stays")
        try core.store.resetAccount("CORE01", to: nil, now: ChatHarness.start)
        #expect(try stored(core, bobs).0 == nil)
    }
}
