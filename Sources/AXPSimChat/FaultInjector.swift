import AXPSimCore
import Foundation
import Synchronization

/// The active fault rules and their seeded generators. The control plane (`/__sim/…`) is never
/// faulted, so a test can always take a rule back.
package final class FaultInjector: Sendable {
    package struct Entry: Sendable {
        package let id: Int
        package let fault: Fault
        package var generator: SplitMix64
        package var hits = 0
    }

    private let rules = Mutex<[Entry]>([])

    package init() {}
    private let nextId = Mutex(1)

    /// Replaces every rule.
    package func replace(with faults: [Fault]) {
        rules.withLock { $0 = [] }
        for fault in faults { add(fault) }
    }

    /// Adds a rule; returns its id.
    @discardableResult
    package func add(_ fault: Fault) -> Int {
        let id = nextId.withLock { id -> Int in
            defer { id += 1 }
            return id
        }
        rules.withLock { $0.append(Entry(id: id, fault: fault, generator: SplitMix64(seed: fault.seed))) }
        return id
    }

    /// The rules with how often each acted.
    package var snapshot: [(id: Int, fault: Fault, hits: Int)] {
        rules.withLock { $0.map { ($0.id, $0.fault, $0.hits) } }
    }

    /// The action for an HTTP request, if a rule fires.
    package func action(method: String, path: String) -> Fault.Action? {
        fire { fault in
            fault.match.event == nil && (fault.match.method.map { $0 == method } ?? true)
                && (fault.match.path.map { Fault.glob($0, matches: path) } ?? true)
        }
    }

    /// The action for delivering an event of `type` to a socket, if a rule fires.
    package func action(event type: EventType) -> Fault.Action? {
        fire { $0.match.event == type.rawValue }
    }

    private func fire(_ matches: (Fault) -> Bool) -> Fault.Action? {
        rules.withLock { rules in
            for index in rules.indices where matches(rules[index].fault) {
                let fault = rules[index].fault
                if let count = fault.count, rules[index].hits >= count { continue }
                let draw = Double(rules[index].generator.next() >> 11) / Double(1 << 53)
                guard draw < fault.probability else { continue }
                rules[index].hits += 1
                return fault.action
            }
            return nil
        }
    }
}

/// A small, seedable generator (SplitMix64): the same seed gives the same draws on every run.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
