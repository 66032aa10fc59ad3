import AXPSimCore
import AXPSimScenario
import Foundation

/// Turns a chat's transcript into a scenario that reproduces it: the contact-center side as steps
/// (customer messages become `expect.customer` checks), the customer side under `customer:`, the
/// observed delays as `after`, and the transcript itself under `timeline:` for replay to compare.
package enum ScenarioRecorder {
    /// How the recorded chat began, so that a replay starts it alike: its context data, where
    /// routing sent it, and what the queue simulation did for it (which a replay does again, so
    /// the recording leaves it out).
    package struct Origin: Sendable, Equatable {
        package var parameters: [String: String]
        package var context: ChatStartContext
        package var route: RoutingDecision?
        /// The name of the queue's simulated agent who answered, and the greeting it said.
        package var answeredBy: String?
        package var greeting: String?
        /// Whether the chat waited in a staffed queue (its queue positions came from the simulation).
        package var staffedQueue: Bool

        package init(
            parameters: [String: String] = [:], context: ChatStartContext = ChatStartContext(), route: RoutingDecision? = nil, answeredBy: String? = nil,
            greeting: String? = nil, staffedQueue: Bool = false
        ) {
            self.parameters = parameters
            self.context = context
            self.route = route
            self.answeredBy = answeredBy
            self.greeting = greeting
            self.staffedQueue = staffedQueue
        }
    }

    package static func scenario(name: String, integration: String?, timeline: [TimelineEntry], origin: Origin = Origin()) -> Scenario {
        var agentSteps: [ScenarioStepEntry] = []
        var customerSteps: [CustomerStepEntry] = [
            CustomerStepEntry(.chatStart(device: nil, parameters: origin.parameters, context: origin.context))
        ]
        if let route = origin.route, route.queue != nil || route.rule != nil {
            agentSteps.append(ScenarioStepEntry(.expectRouted(queue: route.queue, rule: route.rule, routingAttributes: nil)))
        }
        // The simulated agent's join and greeting happen again on replay: not written as steps.
        var simulatedJoin = origin.answeredBy.map { "agent:\($0)" }
        var simulatedGreeting = origin.greeting
        var simulatedPresent = false
        var agentClock = 0  // milliseconds
        var customerClock = 0
        func agentAt(_ at: Int) {
            if at > agentClock { agentSteps.append(ScenarioStepEntry(.after(seconds: Double(at - agentClock) / 1000))) }
            agentClock = max(agentClock, at)
        }
        for entry in timeline {
            let at = Int((entry.at * 1000).rounded())
            let name = entry.actor.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init)
            switch (entry.actor, entry.kind) {
            case ("customer", "message"):
                let text = entry.text ?? ""
                if at > customerClock { customerSteps.append(CustomerStepEntry(.after(seconds: Double(at - customerClock) / 1000))) }
                customerClock = max(customerClock, at)
                customerSteps.append(CustomerStepEntry(.say(text: text, device: nil)))
                let within = Double(max(at - agentClock, 0)) / 1000 + 60
                agentSteps.append(ScenarioStepEntry(.expectCustomer(matcher: .exact(text), within: within, onTimeout: nil)))
                agentClock = max(agentClock, at)
            case (let actor, "join") where actor == simulatedJoin:
                simulatedJoin = nil
                simulatedPresent = true
            case (let actor, "message") where simulatedPresent && actor == "agent:\(origin.answeredBy ?? "")" && entry.text == simulatedGreeting:
                simulatedGreeting = nil
            case (let actor, "join") where actor.hasPrefix("agent:"):
                agentAt(at)
                agentSteps.append(ScenarioStepEntry(.agentJoin(name: name, as: nil)))
            case (let actor, "message") where actor.hasPrefix("agent:"):
                agentAt(at)
                // The simulated agent has no agent.join step to name it by: it acts as the latest agent.
                let simulated = simulatedPresent && name == origin.answeredBy
                agentSteps.append(ScenarioStepEntry(.agentSay(text: entry.text ?? "", agent: simulated ? nil : name, body: entry.body)))
            case (let actor, "typing") where actor.hasPrefix("agent:"):
                agentAt(at)
                agentSteps.append(ScenarioStepEntry(.agentTyping(agent: simulatedPresent && name == origin.answeredBy ? nil : name)))
            case (let actor, "leave") where actor.hasPrefix("agent:"):
                agentAt(at)
                let simulated = simulatedPresent && name == origin.answeredBy
                if simulated { simulatedPresent = false }
                agentSteps.append(ScenarioStepEntry(.agentLeave(agent: simulated ? nil : name)))
            case (let actor, "message") where actor.hasPrefix("bot:"):
                agentAt(at)
                agentSteps.append(ScenarioStepEntry(.botSay(text: entry.text ?? "", name: name)))
            case ("system", "queue") where origin.staffedQueue:
                break  // the queue simulation tells these again on replay
            case ("system", "queue"):
                agentAt(at)
                let numbers = (entry.text ?? "").split(separator: " ").compactMap { Int($0) }
                agentSteps.append(ScenarioStepEntry(.queue(position: numbers.first ?? 0, estimatedWaitSeconds: numbers.dropFirst().first)))
            case ("system", "end"):
                if entry.text == "USER_CLOSED" {
                    if at > customerClock { customerSteps.append(CustomerStepEntry(.after(seconds: Double(at - customerClock) / 1000))) }
                    customerClock = max(customerClock, at)
                    customerSteps.append(CustomerStepEntry(.disconnect(device: nil)))
                } else {
                    agentAt(at)
                    agentSteps.append(ScenarioStepEntry(.chatEnd(reason: entry.text)))
                }
            default:
                // Bot joins come with their first message; token and session events follow from the clock.
                break
            }
        }
        return Scenario(
            name: name, description: "Recorded by axpsim from a live chat.", integration: integration, steps: agentSteps,
            customer: customerSteps, timeline: timeline)
    }
}
