import Foundation

/// What files a chat accepts (SPEC §3.2 "Attachments", OMNI-SDK.md §4.1: "file 1 byte–50 MB, 54
/// allowed extensions"): the name, size and type rules shared by a customer's `:generateUploadUrl`
/// and the contact center's upload, and the times of the signed URLs.
///
/// The Omni SDK's own list of 54 extensions is not in the record (only examples: pdf, png, jpg,
/// docx, mp4, txt); ``allowed`` is axpsim's list of 54 in the same spirit: common images,
/// documents, audio, video and archives, never executables, scripts or HTML/SVG (which a browser
/// would run when opened inline).
public enum AttachmentPolicy {
    /// Default largest file, bytes (50 MiB; `--max-attachment-size`).
    public static let defaultMaxBytes = 50 * 1024 * 1024
    /// Largest `--max-attachment-size` (SQLite keeps a file as one BLOB).
    public static let maxConfigurableBytes = 512 * 1024 * 1024
    /// Longest file name, characters.
    public static let nameLength = 1...255
    /// How long an upload URL may be used after `:generateUploadUrl`, seconds of the account's clock.
    public static let uploadWindow: TimeInterval = 15 * 60
    /// How long a download URL written in a message works, seconds of the account's clock from
    /// the moment it is written (each answer writes fresh ones).
    public static let downloadLifetime: TimeInterval = 24 * 3600
    /// The type of a file whose type is unknown (the SDK's default `attachmentType`); allowed for
    /// every allowed extension.
    public static let defaultType = "application/octet-stream"

    /// The 54 allowed extensions (lowercase, without the dot), each with the media types a
    /// browser gives such a file.
    public static let allowed: [(ext: String, types: [String])] = [
        // Images (9)
        ("jpg", ["image/jpeg", "image/pjpeg"]), ("jpeg", ["image/jpeg", "image/pjpeg"]), ("png", ["image/png"]), ("gif", ["image/gif"]),
        ("bmp", ["image/bmp", "image/x-ms-bmp"]), ("webp", ["image/webp"]), ("tif", ["image/tiff"]), ("tiff", ["image/tiff"]),
        ("heic", ["image/heic", "image/heif"]),
        // Documents (21)
        ("pdf", ["application/pdf"]), ("doc", ["application/msword"]),
        ("docx", ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"]),
        ("xls", ["application/vnd.ms-excel"]), ("xlsx", ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]),
        ("ppt", ["application/vnd.ms-powerpoint"]),
        ("pptx", ["application/vnd.openxmlformats-officedocument.presentationml.presentation"]),
        ("odt", ["application/vnd.oasis.opendocument.text"]), ("ods", ["application/vnd.oasis.opendocument.spreadsheet"]),
        ("odp", ["application/vnd.oasis.opendocument.presentation"]), ("rtf", ["application/rtf", "text/rtf"]), ("txt", ["text/plain"]),
        ("csv", ["text/csv", "application/vnd.ms-excel"]), ("tsv", ["text/tab-separated-values"]), ("xml", ["application/xml", "text/xml"]),
        ("json", ["application/json"]), ("md", ["text/markdown", "text/plain"]), ("log", ["text/plain"]), ("eml", ["message/rfc822"]),
        ("ics", ["text/calendar"]), ("vcf", ["text/vcard", "text/x-vcard"]),
        // Audio (9)
        ("mp3", ["audio/mpeg", "audio/mp3"]), ("wav", ["audio/wav", "audio/x-wav", "audio/wave"]), ("ogg", ["audio/ogg", "application/ogg"]),
        ("oga", ["audio/ogg"]), ("m4a", ["audio/mp4", "audio/x-m4a"]), ("aac", ["audio/aac"]), ("amr", ["audio/amr"]),
        ("flac", ["audio/flac", "audio/x-flac"]), ("weba", ["audio/webm"]),
        // Video (9)
        ("mp4", ["video/mp4"]), ("m4v", ["video/x-m4v", "video/mp4"]), ("mov", ["video/quicktime"]), ("avi", ["video/x-msvideo", "video/avi"]),
        ("wmv", ["video/x-ms-wmv"]), ("webm", ["video/webm"]), ("mpeg", ["video/mpeg"]), ("mpg", ["video/mpeg"]), ("3gp", ["video/3gpp", "audio/3gpp"]),
        // Archives (6)
        ("zip", ["application/zip", "application/x-zip-compressed"]), ("7z", ["application/x-7z-compressed"]),
        ("rar", ["application/vnd.rar", "application/x-rar-compressed"]), ("gz", ["application/gzip", "application/x-gzip"]),
        ("tar", ["application/x-tar"]), ("tgz", ["application/gzip", "application/x-gzip", "application/x-compressed-tar"]),
    ]

    private static let typesByExtension: [String: Set<String>] = Dictionary(
        allowed.map { ($0.ext, Set($0.types + [defaultType])) }, uniquingKeysWith: { first, _ in first })

    /// The extension of `name` (lowercase, without the dot), or nil when it has none.
    public static func fileExtension(of name: String) -> String? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...]
        return ext.isEmpty ? nil : ext.lowercased()
    }

    /// The media type without parameters, lowercase (`Text/Plain; charset=x` → `text/plain`).
    public static func essence(_ type: String) -> String {
        (type.split(separator: ";", maxSplits: 1).first.map(String.init) ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// True when `name` is a file name (no path separator, no control character, not `.`/`..`).
    public static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".."
            && !name.unicodeScalars.contains { $0 == "/" || $0 == "\\" || $0.properties.generalCategory == .control }
    }

    /// The violations of a file's name, type and size, reported on `nameField`, `typeField` and
    /// `sizeField` (all on one field for an uploaded part). Empty when the file is allowed.
    public static func violations(
        name: String, type: String, size: Int64, maxBytes: Int, nameField: String, typeField: String, sizeField: String
    ) -> [Violation] {
        var violations = violations(name: name, type: type, nameField: nameField, typeField: typeField)
        if !(1...Int64(maxBytes)).contains(size) {
            violations.append(Violation(field: sizeField, message: "must be between 1 and \(maxBytes)", code: .numberOutOfRange))
        }
        return violations
    }

    /// The violations of a file's name and type (nil: the type is not checked, it was refused
    /// already), reported on `nameField` and `typeField`.
    public static func violations(name: String, type: String?, nameField: String, typeField: String) -> [Violation] {
        var violations: [Violation] = []
        if !nameLength.contains(name.count) {
            violations.append(
                Violation(field: nameField, message: "size must be between \(nameLength.lowerBound) and \(nameLength.upperBound)", code: .sizeOutOfRange))
        } else if !isPlainName(name) {
            violations.append(Violation(field: nameField, message: FieldPattern.attachmentName.message, code: .patternMismatch))
        } else if let types = fileExtension(of: name).flatMap({ typesByExtension[$0] }) {
            if let type, !types.contains(essence(type)) {
                let essence = essence(type)
                violations.append(
                    Violation(
                        field: typeField, message: "\(essence) is not a type of .\(fileExtension(of: name) ?? "") files (\(types.sorted().joined(separator: ", ")))",
                        code: .invalidValue))
            }
        } else {
            violations.append(
                Violation(
                    field: nameField, message: "the file extension must be one of \(allowed.map(\.ext).joined(separator: ", "))", code: .invalidValue))
        }
        return violations
    }
}

extension FieldPattern {
    /// An attachment's file name: no path separator or control character.
    public static let attachmentName = FieldPattern(
        pattern: "^[^/\\\\\\u0000-\\u001F\\u007F]+$", message: "must be a file name without path separators or control characters",
        isValid: AttachmentPolicy.isPlainName)

    /// A media type (`type/subtype`, optionally with parameters).
    public static let mediaType = FieldPattern(
        pattern: "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\\s*;.*)?$", message: "must be a media type such as image/png"
    ) { text in
        let essence = AttachmentPolicy.essence(text)
        let halves = essence.split(separator: "/", omittingEmptySubsequences: false)
        let token = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789!#$&^_.+-")
        return halves.count == 2 && halves.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(token.contains) }
            && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
