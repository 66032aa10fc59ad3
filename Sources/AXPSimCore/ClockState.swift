import Foundation

/// How an account's clock runs.
public enum ClockMode: String, Sendable, Codable, CaseIterable {
    /// The wall clock.
    case real
    /// Frozen; moves only when the control plane advances it.
    case virtual
}

/// The persisted state of one account's clock.
public struct ClockState: Sendable, Equatable {
    public var mode: ClockMode
    /// The frozen instant, for a virtual clock.
    public var virtualNow: Date?

    public init(mode: ClockMode, virtualNow: Date? = nil) {
        self.mode = mode
        self.virtualNow = virtualNow
    }

    /// The real clock.
    public static let real = ClockState(mode: .real)

    /// The current instant on this clock, given the wall clock's.
    public func now(wall: Date) -> Date {
        switch mode {
        case .real: wall
        case .virtual: virtualNow ?? wall
        }
    }
}
