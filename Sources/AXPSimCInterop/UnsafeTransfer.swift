/// A value carried across threads that the compiler cannot prove safe to share, such as a C
/// library's handle whose thread-safety that library documents (`MHD_resume_connection`,
/// `lws_cancel_service`). The one place the wrapper modules say `@unchecked Sendable` for a C value:
/// every use names the documented guarantee it relies on.
public struct UnsafeTransfer<Value>: @unchecked Sendable {
    /// The carried value.
    public let value: Value

    /// Wraps `value`.
    public init(_ value: Value) {
        self.value = value
    }
}
