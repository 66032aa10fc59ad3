import AXPSimAuth
import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import Foundation

/// Attachments (SPEC §3.2, docs/omni-protocol.md "Attachments"): the Omni SDK's
/// `:generateUploadUrl` and the upload to its signed URL, the signed download URL every message
/// writes for its files, and the contact center's upload and list on the control plane.
struct AttachmentController: Sendable {
    let chat: ChatService
    let authentication: SDKAuthentication
    let links: AttachmentLinks
    /// Largest attachment, bytes (`--max-attachment-size`).
    let maxAttachmentBytes: Int

    /// The routes whose body may be as large as an attachment (and its multipart framing), for
    /// the HTTP server's per-route body limit; every other route keeps `--max-body-size`.
    static let uploadRoutes = [("POST", "\(AttachmentLinks.uploadPath)/{attachmentId}"), ("POST", controlUploadPath)]
    /// Room for a multipart body's framing around the file (boundaries, part headers, a filename).
    static let multipartOverhead = 64 * 1024
    static let controlUploadPath = "/__sim/engagements/{engagementId}/attachments"

    func addRoutes(to table: inout RouteTable) {
        let engagement = "\(OmniSDKController.base)/engagements/{engagementId}"
        table.add(
            "POST", "\(engagement):generateUploadUrl", .sdk,
            "Omni SDK: announce a file to send in this chat; answers the URL to upload it to (once, within 15 minutes)",
            .json(200, Self.uploadURLSchema).body { try OmniRequests.generateUploadUrl($0, maxBytes: self.maxAttachmentBytes) }
                .link("UploadAttachment", "POST", "\(AttachmentLinks.uploadPath)/{attachmentId}", ["attachmentId": "$response.body#/attachmentId"]),
            authentication
        ) { request, caller in
            let body = try OmniRequests.generateUploadUrl(request.jsonObject(), maxBytes: self.maxAttachmentBytes)
            let attachment = try self.chat.announceUpload(caller, request.parameter("engagementId"), body)
            return .respond(
                JSONResponses.json(
                    200,
                    JSONValue.object([
                        "presignedUrl": .string(self.links.uploadURL(attachment, for: request)), "attachmentId": .string(attachment.attachmentId),
                    ])))
        }
        table.add(
            "POST", "\(AttachmentLinks.uploadPath)/{attachmentId}", .sdk,
            "Upload the announced file to its presignedUrl (no Authorization: the signed URL is the credential); exactly 202 {mediaId}",
            RouteDoc.json(202, Self.mediaIdSchema).multipartBody(Self.mediaFileSchema).query(Self.signedQuery).signedURL()
        ) { request in
            let attachmentId = request.parameter("attachmentId")
            guard let attachment = try self.chat.attachment(attachmentId) else { throw AXPSimError.notFound(resource: "attachment", id: attachmentId) }
            try self.links.check(request, .upload, attachment)
            let file = try Self.mediaFile(request)
            let stored = try self.chat.receiveUpload(attachmentId, file)
            return .respond(JSONResponses.json(202, JSONValue.object(["mediaId": .string(stored.attachmentId)])))
        }
        table.add(
            "GET", "\(AttachmentLinks.downloadPath)/{attachmentId}", .sdk,
            "A file sent in a chat, through the signed, expiring url its message carries (inline, with its own content type)",
            RouteDoc.content("application/octet-stream", JSONSchema.string(format: "binary").described("The file's bytes, with its own Content-Type"))
                .query(Self.signedQuery).signedURL()
        ) { request in
            let attachmentId = request.parameter("attachmentId")
            guard let attachment = try self.chat.attachment(attachmentId) else { throw AXPSimError.notFound(resource: "attachment", id: attachmentId) }
            try self.links.check(request, .download, attachment)
            let (stored, data) = try self.chat.attachmentContent(attachmentId)
            return .respond(Self.fileResponse(stored, data))
        }
        addControlRoutes(to: &table)
    }

    private func addControlRoutes(to table: inout RouteTable) {
        table.add(
            "POST", Self.controlUploadPath, .control,
            "The contact center uploads a file (multipart, one part mediaFile) to send with an agent message's attachmentIds",
            RouteDoc.json(201, Self.inspectedSchema).multipartBody(Self.mediaFileSchema)
        ) { request in
            let attachment = try self.chat.contactCenterUpload(request.parameter("engagementId"), try Self.mediaFile(request))
            return .respond(JSONResponses.json(201, try self.inspected(attachment, request)))
        }
        table.add(
            "GET", Self.controlUploadPath, .control, "The files of a chat (announced, uploaded and sent), oldest first",
            .json(200, .record(["attachments": .array(Self.inspectedSchema)]))
        ) { request in
            let list = try self.chat.attachments(ofEngagement: request.parameter("engagementId"))
            return .respond(JSONResponses.json(200, JSONValue.object(["attachments": .array(try list.map { try self.inspected($0, request) })])))
        }
    }

    /// The one `mediaFile` part of a multipart body, with its filename: 415 for another kind of
    /// body, 400 `malformed_multipart` for an unreadable one, a 400 violation on `mediaFile` when
    /// the part is missing, repeated, not a file, or comes with other parts.
    static func mediaFile(_ request: HTTPRequest) throws -> AttachmentFile {
        guard let multipart = request.multipart else { throw AXPSimError.unsupportedMediaType(expected: "multipart/form-data") }
        let parts: [HTTPFormPart]
        switch multipart {
        case .malformed(let why): throw AXPSimError.malformedMultipart(why)
        case .parts(let list): parts = list
        }
        var violations: [Violation] = []
        for part in parts where part.name != "mediaFile" {
            violations.append(Violation(field: part.name, message: "unknown part: the body has exactly one part, mediaFile", code: .invalidValue))
        }
        let files = parts.filter { $0.name == "mediaFile" }
        if files.isEmpty { violations.append(Violation(field: "mediaFile", message: "must not be null: send the file as the part mediaFile", code: .missingValue)) }
        if files.count > 1 { violations.append(Violation(field: "mediaFile", message: "must be sent once, not \(files.count) times", code: .invalidValue)) }
        if let file = files.first, file.filename?.isEmpty ?? true {
            violations.append(Violation(field: "mediaFile", message: "must be a file (Content-Disposition with a filename)", code: .invalidValue))
        }
        guard violations.isEmpty, let file = files.first, let filename = file.filename else { throw AXPSimError.constraintViolation(violations) }
        return AttachmentFile(filename: filename, contentType: file.contentType, data: file.data)
    }

    /// The bytes of a file, inline, as the type it was uploaded with, never sniffed or cached by
    /// a shared cache.
    static func fileResponse(_ attachment: ChatAttachment, _ data: Data) -> HTTPResponse {
        var response = HTTPResponse(status: 200, body: data)
        response.setHeader("Content-Type", attachment.contentType)
        response.setHeader("Content-Disposition", contentDisposition(attachment.name))
        response.setHeader("X-Content-Type-Options", "nosniff")
        response.setHeader("Cache-Control", "private, max-age=300")
        return response
    }

    /// `inline; filename="…"` with an ASCII fallback, and `filename*` (RFC 6266/8187) for the
    /// exact name when it is not plain ASCII.
    static func contentDisposition(_ name: String) -> String {
        let fallback = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" })
        guard fallback != name else { return "inline; filename=\"\(name)\"" }
        let encoded = name.addingPercentEncoding(withAllowedCharacters: OmniWireFormat.unreserved) ?? fallback
        return "inline; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }

    /// An attachment as the control plane shows it; `url` (a signed download URL) once uploaded.
    func inspected(_ attachment: ChatAttachment, _ request: HTTPRequest) throws -> JSONValue {
        var object: [String: JSONValue] = [
            "attachmentId": .string(attachment.attachmentId), "engagementId": .string(attachment.engagementId),
            "sessionId": .optional(attachment.sessionId), "name": .string(attachment.name), "contentType": .string(attachment.contentType),
            "declaredSize": .int(attachment.declaredSize), "size": attachment.size.map { JSONValue.int($0) } ?? .null,
            "state": .string(attachment.state.rawValue), "createdAt": .date(attachment.createdAt),
            "uploadedAt": attachment.uploadedAt.map(JSONValue.date) ?? .null, "messageId": .optional(attachment.messageId), "url": .null,
        ]
        if attachment.state != .pending {
            let now = try chat.now(attachment.accountId)
            object["url"] = .string(links.downloadURL(attachment.attachmentId, accountId: attachment.accountId, now: now, for: request))
        }
        return .object(object)
    }

    // MARK: Documentation

    /// `expires` and `signature` of a signed URL.
    static let signedQuery = [
        QueryParameter.text("expires", "When the URL stops working: seconds since 1970 on the account's clock (as issued)"),
        QueryParameter.text("signature", "The URL's HMAC-SHA256 signature, base64url (as issued)"),
    ]

    static let uploadURLSchema = JSONSchema.ref(
        "UploadUrl",
        .record([
            "presignedUrl": .string().described("Absolute URL to POST the file to (multipart/form-data, part mediaFile), once"),
            "attachmentId": .string().described("The file's id: the mediaId of the upload, the attachmentIds entry of the message"),
        ]))

    static let mediaIdSchema = JSONSchema.ref("UploadedMedia", .record(["mediaId": .string()]))

    static let mediaFileSchema = JSONSchema.object(
        ["mediaFile": JSONSchema.string(format: "binary").described("The file, with its filename and Content-Type")], required: ["mediaFile"])

    static let inspectedSchema = JSONSchema.ref(
        "InspectedAttachment",
        .record([
            "attachmentId": .string(), "engagementId": .string(), "sessionId": JSONSchema.string().nullable, "name": .string(),
            "contentType": .string(), "declaredSize": .integer(), "size": JSONSchema.integer().nullable,
            "state": .string(oneOf: ChatAttachment.State.allCases.map(\.rawValue)), "createdAt": .timestamp,
            "uploadedAt": JSONSchema.timestamp.nullable, "messageId": JSONSchema.string().nullable, "url": JSONSchema.string().nullable,
        ]))
}
