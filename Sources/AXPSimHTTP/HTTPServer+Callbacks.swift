import AXPSimCInterop
internal import CMicroHTTPD
import Foundation

// The C callbacks of libmicrohttpd. They are top-level functions (not closures written in a
// main-actor context) and reach the Swift objects through `Unmanaged` context pointers.

/// MHD's access handler: called once with the headers, then once per body chunk, then once with
/// no data (answer now), and again after a suspended connection is resumed.
func httpAccessHandler(
    cls: UnsafeMutableRawPointer?, connection: OpaquePointer?, url: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?,
    version: UnsafePointer<CChar>?, uploadData: UnsafePointer<CChar>?, uploadDataSize: UnsafeMutablePointer<Int>?,
    conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
    guard let cls, let connection, let conCls, let uploadDataSize else { return .NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()

    guard let existing = conCls.pointee else {
        // First call: headers only. Answering here would force `Connection: close`, so only
        // set up the context (and refuse an announced oversize body at once).
        guard server.beginRequest() else { return .NO }
        let context = RequestContext(
            limit: server.configuration.bodyLimit(method: method.map { String(cString: $0) } ?? "GET", rawPath: url.map { String(cString: $0) } ?? "/"))
        conCls.pointee = Unmanaged.passRetained(context).toOpaque()
        if let length = headerValue(connection, "Content-Length").flatMap(Int.init), length > context.limit {
            context.tooLarge = true
            return queue(server.oversizeResponse(context.limit), on: connection)
        }
        if MultipartBody.isFormData(headerValue(connection, "Content-Type")) {
            context.multipart = MultipartReader(connection: connection)
        }
        return .YES
    }
    let context = Unmanaged<RequestContext>.fromOpaque(existing).takeUnretainedValue()

    if uploadDataSize.pointee > 0 {
        let count = uploadDataSize.pointee
        if !context.tooLarge, let uploadData {
            if context.received + count > context.limit {
                context.tooLarge = true
                context.body = Data()
                context.multipart = nil
            } else {
                context.received += count
                if let reader = context.multipart {
                    reader.feed(uploadData, count: count)
                } else {
                    uploadData.withMemoryRebound(to: UInt8.self, capacity: count) { context.body.append($0, count: count) }
                }
            }
        }
        uploadDataSize.pointee = 0
        return .YES
    }

    if let pending = context.pending {
        // Resumed after a hold: send what was fulfilled.
        guard let response = pending.take() else { return .NO }
        return queue(response, on: connection)
    }
    if context.tooLarge {
        return queue(server.oversizeResponse(context.limit), on: connection)
    }

    let request = HTTPRequest(
        method: method.map { String(cString: $0) } ?? "GET",
        rawPath: url.map { String(cString: $0) } ?? "/",
        query: values(connection, .GET_ARGUMENT_KIND, lowercaseKeys: false, percentDecode: true),
        headers: values(connection, .HEADER_KIND, lowercaseKeys: true),
        body: context.body,
        multipart: context.multipart?.finish(),
        remoteAddress: clientAddress(connection))
    context.body = Data()
    context.multipart = nil

    switch server.handler(request) {
    case .drop:
        return .NO
    case .respond(let response):
        return queue(response, on: connection)
    case .suspend(let pending):
        context.pending = pending
        server.hold(pending)
        // MHD_resume_connection may be called from any thread with MHD_ALLOW_SUSPEND_RESUME.
        let handle = UnsafeTransfer(connection)
        let ready = pending.takeOrSuspend(
            suspend: { MHD_suspend_connection(connection) },
            resume: { MHD_resume_connection(handle.value) })
        if let ready { return queue(ready, on: connection) }
        return .YES
    }
}

/// MHD's completion callback: releases the per-request context.
func httpRequestCompleted(
    cls: UnsafeMutableRawPointer?, connection: OpaquePointer?, conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    code: MHD_RequestTerminationCode
) {
    guard let cls, let conCls, let pointer = conCls.pointee else { return }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    let context = Unmanaged<RequestContext>.fromOpaque(pointer).takeRetainedValue()
    conCls.pointee = nil
    context.pending?.fulfill(.empty(499))
    server.endRequest(context)
}

private func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
    let mhdResponse = response.body.withUnsafeBytes { bytes in
        MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
    }
    guard let mhdResponse else { return .NO }
    for (name, value) in response.headers {
        _ = MHD_add_response_header(mhdResponse, name, value)
    }
    let result = MHD_queue_response(connection, UInt32(response.status), mhdResponse)
    MHD_destroy_response(mhdResponse)
    return result
}

private func headerValue(_ connection: OpaquePointer, _ name: String) -> String? {
    MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
}

private final class ValueCollector {
    var values: [String: String] = [:]
    let lowercaseKeys: Bool
    let percentDecode: Bool
    init(lowercaseKeys: Bool, percentDecode: Bool) {
        self.lowercaseKeys = lowercaseKeys
        self.percentDecode = percentDecode
    }
}

/// The values of one kind. Query arguments arrive with their escapes kept (the daemon's unescape
/// callback is a no-op so the path can be checked as sent): they are decoded here; a malformed
/// escape is kept as sent.
private func values(_ connection: OpaquePointer, _ kind: MHD_ValueKind, lowercaseKeys: Bool, percentDecode: Bool = false) -> [String: String] {
    let collector = ValueCollector(lowercaseKeys: lowercaseKeys, percentDecode: percentDecode)
    withExtendedLifetime(collector) {
        _ = MHD_get_connection_values(connection, kind, collectValue, Unmanaged.passUnretained(collector).toOpaque())
    }
    return collector.values
}

private func collectValue(cls: UnsafeMutableRawPointer?, kind: MHD_ValueKind, key: UnsafePointer<CChar>?, value: UnsafePointer<CChar>?) -> MHD_Result {
    guard let cls, let key else { return .YES }
    let collector = Unmanaged<ValueCollector>.fromOpaque(cls).takeUnretainedValue()
    var name = String(cString: key)
    var text = value.map { String(cString: $0) } ?? ""
    if collector.percentDecode {
        name = name.removingPercentEncoding ?? name
        text = text.removingPercentEncoding ?? text
    }
    collector.values[collector.lowercaseKeys ? name.headerNameLowercased : name] = text
    return .YES
}

private func clientAddress(_ connection: OpaquePointer) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    let length = buffer.count
    let status = buffer.withUnsafeMutableBufferPointer { axp_mhd_client_address(connection, $0.baseAddress, length) }
    guard status == 0 else { return "" }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
