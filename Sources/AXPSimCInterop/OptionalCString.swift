/// Calls `body` with a C string of `text`, or with NULL when `text` is nil (for C parameters that
/// take an optional string, such as a TLS key that is absent for plain HTTP).
public func withOptionalCString<Result>(_ text: String?, _ body: (UnsafePointer<CChar>?) throws -> Result) rethrows -> Result {
    guard let text else { return try body(nil) }
    return try text.withCString { try body($0) }
}
