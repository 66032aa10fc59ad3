/// What one fuzz input did to a reader. A reader that works either accepts the input or refuses it
/// with its own typed error; a crash, a hang, a sanitizer report or a broken invariant is a bug.
public enum FuzzOutcome: Sendable, Equatable {
    /// The input was read; the text names what it became (e.g. `TokenRequest`).
    case accepted(String)
    /// The input was refused with a typed error; the text is its code or first diagnostic.
    case rejected(String)
    /// A property that must hold for every input did not (e.g. a written scenario that does not
    /// read back). The libFuzzer harnesses trap on it; the corpus tests fail on it.
    case invariantBroken(String)

    /// True for ``accepted(_:)``.
    public var isAccepted: Bool {
        if case .accepted = self { return true }
        return false
    }

    /// True for ``rejected(_:)``.
    public var isRejected: Bool {
        if case .rejected = self { return true }
        return false
    }

    /// Stops the process on ``invariantBroken(_:)``, so that libFuzzer records the input as a crash.
    public func trapIfBroken() {
        if case .invariantBroken(let reason) = self { fatalError("fuzz invariant broken: \(reason)") }
    }
}
