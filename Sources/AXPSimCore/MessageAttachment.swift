/// A file sent with a message: what the message record keeps of it (its bytes are stored apart,
/// with the account's data; clients fetch them through a signed, expiring URL).
public struct MessageAttachment: Sendable, Equatable, Codable {
    public var attachmentId: String
    public var name: String
    public var size: Int64
    public var contentType: String

    public init(attachmentId: String, name: String, size: Int64, contentType: String) {
        self.attachmentId = attachmentId
        self.name = name
        self.size = size
        self.contentType = contentType
    }
}
