import AXPSimCore
import Foundation

/// A scripted chat: the contact-center side as ``steps``, optionally the customer side as ``customer``
/// (so the scenario can run headless) and the expected transcript as ``timeline`` (written by the
/// recorder, compared on replay). See SPEC section 7 and `scenarios/`.
///
/// Equality compares what the scenario *does*: ``file`` and the source positions of the entries are
/// provenance and are ignored by `==`, so a scenario written by ``ScenarioWriter`` and parsed again is
/// equal to the original.
///
/// The model is `Codable` (synthesised, source positions included): a scenario run stores the
/// scenario it executes beside its position, so it resumes after a restart without the file.
public struct Scenario: Sendable, Equatable, Codable {
    /// The scenario's name, used by the control plane (`/__sim/scenarios/{name}/run`) and by an
    /// integration's `scenario`. When the YAML has no `name:`, the file name without its extension.
    public var name: String
    /// What the scenario shows, for people.
    public var description: String?
    /// The integration (name or UUID) the scenario runs for: every new chat of it, when attached.
    public var integration: String?
    /// The contact-center side, run in order.
    public var steps: [ScenarioStepEntry]
    /// The customer side, for headless runs and replays; starts with `chat.start`.
    public var customer: [CustomerStepEntry]?
    /// The expected transcript, in time order.
    public var timeline: [TimelineEntry]?
    /// The file the scenario was read from (as given to ``ScenarioParser``).
    public var file: String?

    public init(
        name: String, description: String? = nil, integration: String? = nil, steps: [ScenarioStepEntry],
        customer: [CustomerStepEntry]? = nil, timeline: [TimelineEntry]? = nil, file: String? = nil
    ) {
        self.name = name
        self.description = description
        self.integration = integration
        self.steps = steps
        self.customer = customer
        self.timeline = timeline
        self.file = file
    }

    public static func == (lhs: Scenario, rhs: Scenario) -> Bool {
        lhs.name == rhs.name && lhs.description == rhs.description && lhs.integration == rhs.integration && lhs.steps == rhs.steps
            && lhs.customer == rhs.customer && lhs.timeline == rhs.timeline
    }

    /// The simulated time the contact-center steps can cover, in seconds, for reports: every `after`,
    /// plus for each `expect.customer` its whole `within` and the steps of its `onTimeout` (an upper
    /// bound: a wait ends early when the customer answers).
    public var totalDelaySeconds: Double {
        ScenarioStepEntry.delaySeconds(of: steps)
    }

    /// The simulated time the customer steps can cover, in seconds: every `after` plus each
    /// `expect.agent`'s `within` (an upper bound, as ``totalDelaySeconds``).
    public var customerDelaySeconds: Double {
        (customer ?? []).reduce(0) { total, entry in
            switch entry.step {
            case .after(let seconds): total + seconds
            case .expectAgent(_, let within): total + (within ?? 0)
            default: total
            }
        }
    }

    /// The device that starts the chat: the `device` of the first `chat.start`, else
    /// ``CustomerStep/defaultDevice``. Customer steps without a `device` act on it.
    public var primaryDevice: String {
        for entry in customer ?? [] {
            if case .chatStart(let device, _, _) = entry.step { return device ?? CustomerStep.defaultDevice }
        }
        return CustomerStep.defaultDevice
    }

    /// Every device of the customer side in order of appearance: the primary device, then each `join`.
    public var devices: [String] {
        var result: [String] = []
        for entry in customer ?? [] {
            switch entry.step {
            case .chatStart(let device, _, _): result.append(device ?? CustomerStep.defaultDevice)
            case .join(let device): result.append(device)
            default: continue
            }
        }
        var seen: Set<String> = []
        return result.filter { seen.insert($0).inserted }
    }
}
