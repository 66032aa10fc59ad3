import AXPSimChat
import AXPSimCore
import AXPSimScenario
import Foundation
import Testing

/// Recording a routed chat: the context data and the route go into the scenario, what the queue
/// simulation did does not (a replay does it again), and the result passes the checker.
@Suite struct ScenarioRecorderTests {
    @Test func aRoutedChatIsRecordedWithItsContextAndWithoutWhatTheSimulationDoes() throws {
        let timeline = [
            TimelineEntry(at: 0, actor: "system", kind: "queue", text: "position 1 wait 30"),
            TimelineEntry(at: 30, actor: "agent:Amélie", kind: "join"),
            TimelineEntry(at: 30, actor: "agent:Amélie", kind: "message", text: "Bonjour, je suis Amélie."),
            TimelineEntry(at: 35, actor: "customer", kind: "message", text: "Merci"),
            TimelineEntry(at: 40, actor: "agent:Amélie", kind: "message", text: "De rien."),
            TimelineEntry(at: 45, actor: "system", kind: "end", text: "AGENT_CLOSED"),
        ]
        let origin = ScenarioRecorder.Origin(
            parameters: ["language": "fr"], context: ChatStartContext(sessionParameters: ["page": "/aide"], verified: true, customerIdentifiers: ["tier": ["gold"]]),
            route: RoutingDecision(rule: "french-speakers", queue: "french", routingAttributes: ["language": "fr"], scenario: nil),
            answeredBy: "Amélie", greeting: "Bonjour, je suis Amélie.", staffedQueue: true)
        let scenario = ScenarioRecorder.scenario(name: "rec", integration: "triage", timeline: timeline, origin: origin)
        #expect(scenario.steps.map(\.step) == [
            .expectRouted(queue: "french", rule: "french-speakers", routingAttributes: nil),
            .expectCustomer(matcher: .exact("Merci"), within: 95, onTimeout: nil),
            .after(seconds: 5), .agentSay(text: "De rien.", agent: nil), .after(seconds: 5), .chatEnd(reason: "AGENT_CLOSED"),
        ])
        #expect(scenario.customer?.first?.step == .chatStart(device: nil, parameters: ["language": "fr"], context: origin.context))
        // Written and read back, it passes the checker (the queue's agent stands for the agent steps).
        let (parsed, problems) = ScenarioParser.parse(ScenarioWriter.yaml(scenario), file: "rec.yaml")
        #expect(problems.isEmpty, "\(problems)")
        #expect(parsed?.customer?.first?.step == scenario.customer?.first?.step)
    }

    @Test func withoutARouteNothingChanges() {
        let timeline = [
            TimelineEntry(at: 0, actor: "system", kind: "queue", text: "position 2"),
            TimelineEntry(at: 5, actor: "agent:Bob", kind: "join"),
        ]
        let scenario = ScenarioRecorder.scenario(name: "plain", integration: nil, timeline: timeline)
        #expect(scenario.steps.map(\.step) == [.queue(position: 2, estimatedWaitSeconds: nil), .after(seconds: 5), .agentJoin(name: "Bob", as: nil)])
    }
}
