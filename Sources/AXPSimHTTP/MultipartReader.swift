internal import CMicroHTTPD
import Foundation

/// Reads a `multipart/form-data` body with libmicrohttpd's post processor
/// (`MHD_create_post_processor`) while its chunks arrive, copying every byte out before the
/// iterator returns. Used on one MHD thread at a time (the connection's), like the rest of the
/// per-request state.
final class MultipartReader {
    /// The post processor; nil once finished (or when MHD could not create one).
    private var processor: OpaquePointer?
    private var parts: [HTTPFormPart] = []
    /// The first problem met; the body is then read to its end and thrown away.
    private var problem: String?

    /// Bytes the post processor may buffer (a part's header lines must fit).
    static let bufferSize = 16 * 1024

    /// A reader for the body of `connection`, whose `Content-Type` names `multipart/form-data`.
    init(connection: OpaquePointer) {
        processor = MHD_create_post_processor(connection, Self.bufferSize, multipartPartIterator, Unmanaged.passUnretained(self).toOpaque())
        if processor == nil { problem = "the multipart/form-data Content-Type has no usable boundary" }
    }

    deinit {
        if let processor { _ = MHD_destroy_post_processor(processor) }
    }

    /// Feeds one chunk of the body.
    func feed(_ bytes: UnsafePointer<CChar>, count: Int) {
        guard problem == nil, let processor else { return }
        if MHD_post_process(processor, bytes, count) == .NO {
            problem = problem ?? "the body is not well-formed multipart/form-data"
        }
    }

    /// Stops reading: the parts, or why there are none. Called once, after the last chunk.
    func finish() -> MultipartBody {
        if let processor {
            self.processor = nil
            // MHD_NO: the body ended inside a part (no closing delimiter) or had stray bytes.
            if MHD_destroy_post_processor(processor) == .NO, problem == nil {
                problem = "the multipart/form-data body ends without its closing boundary"
            }
        }
        if let problem { return .malformed(problem) }
        return .parts(parts)
    }

    /// One call of the iterator: a new part at offset 0, more bytes of the current one after.
    /// Returns false to stop the post processor.
    fileprivate func receive(name: String?, filename: String?, contentType: String?, data: UnsafePointer<CChar>?, offset: UInt64, size: Int) -> Bool {
        guard problem == nil else { return false }
        guard let name, !name.isEmpty else {
            problem = "a part has no name (Content-Disposition: form-data; name=\"…\")"
            return false
        }
        if offset == 0 || parts.last?.name != name {
            guard parts.count < MultipartBody.maxParts else {
                problem = "the body has more than \(MultipartBody.maxParts) parts"
                return false
            }
            parts.append(HTTPFormPart(name: name, filename: filename, contentType: contentType, data: Data()))
        }
        if size > 0, let data {
            data.withMemoryRebound(to: UInt8.self, capacity: size) { parts[parts.count - 1].data.append($0, count: size) }
        }
        return true
    }
}

/// libmicrohttpd's post-data iterator: hands each chunk to the ``MultipartReader`` in `cls`.
private func multipartPartIterator(
    cls: UnsafeMutableRawPointer?, kind: MHD_ValueKind, key: UnsafePointer<CChar>?, filename: UnsafePointer<CChar>?,
    contentType: UnsafePointer<CChar>?, transferEncoding: UnsafePointer<CChar>?, data: UnsafePointer<CChar>?, offset: UInt64, size: Int
) -> MHD_Result {
    guard let cls else { return .NO }
    let reader = Unmanaged<MultipartReader>.fromOpaque(cls).takeUnretainedValue()
    let accepted = reader.receive(
        name: key.map { String(cString: $0) }, filename: filename.map { String(cString: $0) }, contentType: contentType.map { String(cString: $0) },
        data: data, offset: offset, size: size)
    return accepted ? .YES : .NO
}
