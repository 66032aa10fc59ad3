/// The Omni SDK's upload announcement (OMNI-SDK.md §2, `:generateUploadUrl`).
extension OmniRequests {
    /// A validated `:generateUploadUrl` body.
    public struct UploadRequest: Sendable, Equatable {
        /// The file's name (`attachmentName`).
        public var name: String
        /// Its media type (`attachmentType`, default `application/octet-stream`).
        public var contentType: String
        /// Its size in bytes (`attachmentSize`).
        public var size: Int64
        /// The announcing session, when the caller names it (the SDK does not: the session is then
        /// the caller's, found from its token).
        public var sessionId: String?

        public init(name: String, contentType: String, size: Int64, sessionId: String? = nil) {
            self.name = name
            self.contentType = contentType
            self.size = size
            self.sessionId = sessionId
        }
    }

    /// Validates `{attachmentName, attachmentType?, attachmentSize, sessionId?}`, reporting every
    /// violation at once: the name 1…255 characters without path separators or control
    /// characters, with an extension of ``AttachmentPolicy/allowed``; the type a media type of
    /// that extension (or `application/octet-stream`); the size 1…`maxBytes`.
    public static func generateUploadUrl(_ object: [String: JSONValue], maxBytes: Int) throws(AXPSimError) -> UploadRequest {
        var reader = FieldReader(object)
        reader.describe(
            "Announces a file to upload. attachmentName must end with one of the allowed extensions ("
                + AttachmentPolicy.allowed.map(\.ext).joined(separator: ", ") + "); attachmentType must be a type of that extension "
                + "or application/octet-stream. The answer's presignedUrl takes the file once, within "
                + "\(Int(AttachmentPolicy.uploadWindow / 60)) minutes of the account's clock.")
        let name = reader.string("attachmentName", required: true, length: AttachmentPolicy.nameLength, pattern: .attachmentName)
        let type = reader.string("attachmentType", length: 1...255, pattern: .mediaType)
        let size = reader.int("attachmentSize", required: true, range: 1...maxBytes)
        let sessionId = reader.string("sessionId", length: 1...128)
        // The extension and the type's fit with it, reported with the other mistakes (a type
        // already refused for its form is not checked again).
        let typeRefused = type == nil && !(object["attachmentType"] == nil || object["attachmentType"] == .null)
        if let name {
            let checks = AttachmentPolicy.violations(
                name: name, type: typeRefused ? nil : type ?? AttachmentPolicy.defaultType, nameField: "attachmentName", typeField: "attachmentType")
            for violation in checks { reader.fail(violation.field, violation.message, ViolationCode(rawValue: violation.code) ?? .invalidValue) }
        }
        try reader.check()
        guard let name, let size else { throw .constraintViolation(reader.violations) }
        return UploadRequest(name: name, contentType: type ?? AttachmentPolicy.defaultType, size: Int64(size), sessionId: sessionId)
    }
}
