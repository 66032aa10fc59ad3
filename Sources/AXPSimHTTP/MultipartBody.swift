import Foundation

/// One part of a `multipart/form-data` body (RFC 7578): a form field or a file.
public struct HTTPFormPart: Sendable, Equatable {
    /// The field name (`Content-Disposition: form-data; name="…"`).
    public var name: String
    /// The file name (`filename="…"`), or nil for a plain field.
    public var filename: String?
    /// The part's own `Content-Type`, or nil when it has none.
    public var contentType: String?
    /// The part's bytes, exactly as sent.
    public var data: Data

    public init(name: String, filename: String? = nil, contentType: String? = nil, data: Data) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }
}

/// A `multipart/form-data` body as the server read it: its parts, or why it could not be read.
///
/// The HTTP server reads such bodies with libmicrohttpd's own post processor while they arrive
/// (no parser of axpsim's own), so a request carries its parts instead of its raw bytes.
public enum MultipartBody: Sendable, Equatable {
    /// The parts, in the order sent.
    case parts([HTTPFormPart])
    /// The body is not well-formed multipart (no boundary, a part without a name, no closing
    /// delimiter, too many parts…); the text says why.
    case malformed(String)

    /// Most parts one body may have; more make it ``malformed(_:)``.
    public static let maxParts = 32

    /// True when `contentType` (a `Content-Type` header value) names `multipart/form-data`.
    public static func isFormData(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let essence = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return essence == "multipart/form-data"
    }
}
