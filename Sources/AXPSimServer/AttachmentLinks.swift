import AXPSimAuth
import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import Foundation

/// The signed URLs of attachments (SPEC §3.2, docs/omni-protocol.md "Attachments"), written when
/// the server renders an answer or delivers an event, never stored: the chat keeps only each
/// file's metadata, so it knows no host, URL or secret.
///
/// - Upload: `{base}/sdk/digital/chat/v1/uploads/{attachmentId}?expires=…&signature=…`, valid
///   until the attachment's upload deadline (``AttachmentPolicy/uploadWindow`` after
///   `:generateUploadUrl`).
/// - Download: `{base}/sdk/digital/chat/v1/attachments/{attachmentId}?expires=…&signature=…`,
///   valid ``AttachmentPolicy/downloadLifetime`` from the moment it is written.
///
/// `{base}` is ``PublicBase`` (`https://{--public-host}`, else the scheme and `Host` of the
/// request being answered, else the bound URL); `expires` is seconds since 1970 on the account's
/// clock (virtual time included); `signature` is ``URLSigner``'s over purpose, account, id and
/// `expires`.
struct AttachmentLinks: Sendable {
    let signer: URLSigner
    let clocks: ClockService
    let publicBase: PublicBase

    /// The path of upload URLs (before the id).
    static let uploadPath = "/sdk/digital/chat/v1/uploads"
    /// The path of download URLs (before the id).
    static let downloadPath = "/sdk/digital/chat/v1/attachments"

    /// The upload URL of a pending attachment, valid until its upload deadline.
    func uploadURL(_ attachment: ChatAttachment, for request: HTTPRequest?) -> String {
        let expires = Int64(attachment.uploadExpiresAt.timeIntervalSince1970.rounded(.down))
        return url(Self.uploadPath, .upload, attachmentId: attachment.attachmentId, accountId: attachment.accountId, expires: expires, request)
    }

    /// A download URL of an attachment of `accountId`, valid ``AttachmentPolicy/downloadLifetime``
    /// from `now` (the account's clock).
    func downloadURL(_ attachmentId: String, accountId: String, now: Date, for request: HTTPRequest?) -> String {
        let expires = Int64(now.addingTimeInterval(AttachmentPolicy.downloadLifetime).timeIntervalSince1970.rounded(.down))
        return url(Self.downloadPath, .download, attachmentId: attachmentId, accountId: accountId, expires: expires, request)
    }

    private func url(
        _ path: String, _ purpose: URLSigner.Purpose, attachmentId: String, accountId: String, expires: Int64, _ request: HTTPRequest?
    ) -> String {
        let signature = signer.signature(purpose, accountId: accountId, resourceId: attachmentId, expires: expires)
        return "\(publicBase.url(for: request))\(path)/\(attachmentId)?expires=\(expires)&signature=\(signature)"
    }

    /// Checks the `expires` and `signature` of a request on an attachment's URL for `purpose`
    /// (403 `signed_url_invalid` or `signed_url_expired`): the signature must be the one of this
    /// purpose, this attachment and its own account, and unexpired on that account's clock.
    func check(_ request: HTTPRequest, _ purpose: URLSigner.Purpose, _ attachment: ChatAttachment) throws {
        let now = try clocks.now(accountId: attachment.accountId)
        do throws(URLSigner.Rejection) {
            try signer.check(
                purpose, accountId: attachment.accountId, resourceId: attachment.attachmentId, expires: request.query["expires"],
                signature: request.query["signature"], now: now)
        } catch {
            throw AXPSimError.signedURLRejected(expired: error == .expired)
        }
    }

    /// A message's attachments as clients read them: `[{attachmentId, name, size, contentType, url}]`.
    func json(_ attachments: [MessageAttachment], accountId: String, for request: HTTPRequest?) throws -> JSONValue {
        guard !attachments.isEmpty else { return .array([]) }
        let now = try clocks.now(accountId: accountId)
        return .array(
            attachments.map { attachment in
                var object = EventFields.attachment(attachment).objectValue
                object["url"] = .string(downloadURL(attachment.attachmentId, accountId: accountId, now: now, for: request))
                return .object(object)
            })
    }

    /// An event as delivered: its wire form, each attachment of a MESSAGE given its `url`.
    func wire(_ event: SessionEvent, for request: HTTPRequest?) throws -> JSONValue {
        guard event.eventType == .message, var message = event.fields["message"]?.objectValue,
            let files = message[EventFields.attachmentsField]?.arrayValue, !files.isEmpty
        else { return event.wire }
        let now = try clocks.now(accountId: event.accountId)
        message[EventFields.attachmentsField] = .array(
            files.map { file in
                var object = file.objectValue
                if let id = object["attachmentId"]?.stringValue {
                    object["url"] = .string(downloadURL(id, accountId: event.accountId, now: now, for: request))
                }
                return .object(object)
            })
        var wire = event.wire.objectValue
        wire["message"] = .object(message)
        return .object(wire)
    }

    /// The frame a socket sends for `event` (its encoded fields as stored, `fieldsText`, when
    /// given): the stored encoding as is when the event carries no file.
    func frame(_ event: SessionEvent, fieldsText: String?) throws -> Data {
        let hasFiles = event.eventType == .message && !(event.fields["message"]?.objectValue[EventFields.attachmentsField]?.arrayValue ?? []).isEmpty
        if !hasFiles, let fieldsText { return event.frame(fieldsText: fieldsText) }
        return try wire(event, for: nil).jsonData
    }
}
