import AXPSimCore
import AXPSimFixtures
import AXPSimScenario
import Testing

@Suite struct ScenarioWriterTests {
    /// Every step kind and form, with strings that need quoting.
    static let everything = Scenario(
        name: "everything",
        description: "Quotes \" and \\ backslashes,\nnew lines,\ttabs, # hashes: colons, ünïcödé, emoji 🎉 and a bell \u{7}",
        integration: "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01",
        steps: [
            ScenarioStepEntry(
                .fault(
                    FaultRule(match: FaultMatch(method: "POST", path: "/sdk/*/messages"), action: .status(503), probability: 0.3, seed: -4, count: 2))
            ),
            ScenarioStepEntry(.fault(FaultRule(match: FaultMatch(event: "TYPING"), action: .drop))),
            ScenarioStepEntry(.fault(FaultRule(match: FaultMatch(method: "GET", path: "/x", event: "MESSAGE"), action: .delay(milliseconds: 250)))),
            ScenarioStepEntry(.fault(FaultRule(match: FaultMatch(path: "/y"), action: .closeSocket, probability: 0))),
            ScenarioStepEntry(.queue(position: 3, estimatedWaitSeconds: nil)),
            ScenarioStepEntry(.queue(position: 1, estimatedWaitSeconds: 0)),
            ScenarioStepEntry(.after(seconds: 0.1 + 0.2)),
            ScenarioStepEntry(.after(seconds: 5400)),
            ScenarioStepEntry(.agentJoin(name: nil, as: nil)),
            ScenarioStepEntry(.agentJoin(name: "yes", as: "no")),
            ScenarioStepEntry(.agentJoin(name: "Alice Smith", as: "first")),
            ScenarioStepEntry(.agentJoin(name: " padded ", as: "1st")),
            ScenarioStepEntry(.agentSay(text: "Hi, I'm Alice: how can I help? #1", agent: nil)),
            ScenarioStepEntry(.agentSay(text: "'single' and {braces} [brackets] & *stars* !bang %pct @at `tick`", agent: "first")),
            ScenarioStepEntry(.agentSay(text: "null", agent: "no")),
            ScenarioStepEntry(.agentTyping(agent: nil)),
            ScenarioStepEntry(.agentTyping(agent: "first")),
            ScenarioStepEntry(.botSay(text: "~", name: nil)),
            ScenarioStepEntry(.botSay(text: "- dash", name: "Help Bot")),
            ScenarioStepEntry(.expectCustomer(matcher: .regex("(?i)^\\d{4,}\\s*$"), within: nil, onTimeout: nil)),
            ScenarioStepEntry(.expectCustomer(matcher: .exact("exact\r\ntext"), within: 90, onTimeout: nil)),
            ScenarioStepEntry(
                .expectCustomer(
                    matcher: .regex("x"), within: 0.25,
                    onTimeout: [
                        ScenarioStepEntry(.agentSay(text: "Still there?", agent: "first")),
                        ScenarioStepEntry(
                            .expectCustomer(
                                matcher: .exact("y"), within: 60,
                                onTimeout: [ScenarioStepEntry(.tokenRevoke), ScenarioStepEntry(.chatEnd(reason: "USER_INACTIVE"))])),
                    ])),
            ScenarioStepEntry(.agentLeave(agent: "first")),
            ScenarioStepEntry(.agentLeave(agent: nil)),
            ScenarioStepEntry(.tokenExpire),
            ScenarioStepEntry(.tokenRevoke),
            ScenarioStepEntry(.socketDrop),
            ScenarioStepEntry(.sessionClose),
            ScenarioStepEntry(.chatEnd(reason: nil)),
        ],
        customer: [
            CustomerStepEntry(.chatStart(device: "laptop", parameters: ["topic": "refund: now", "a b": "true", "count": "3"])),
            CustomerStepEntry(.join(device: "phone")),
            CustomerStepEntry(.after(seconds: 1.5)),
            CustomerStepEntry(.say(text: "Hello\u{2028}there", device: nil)),
            CustomerStepEntry(.say(text: "from the phone", device: "phone")),
            CustomerStepEntry(.tokenRefresh(device: nil)),
            CustomerStepEntry(.tokenRefresh(device: "phone")),
            CustomerStepEntry(.reconnect(device: nil)),
            CustomerStepEntry(.reconnect(device: "phone")),
            CustomerStepEntry(.expectAgent(matcher: .regex("(?i)hi"), within: 60)),
            CustomerStepEntry(.expectAgent(matcher: .exact("Hi"), within: nil)),
            CustomerStepEntry(.disconnect(device: "phone")),
        ],
        timeline: [
            TimelineEntry(at: 0, actor: "system", kind: "queue", text: "3"),
            TimelineEntry(at: 1e-5, actor: "agent:Alice Smith", kind: "join"),
            TimelineEntry(at: 20.125, actor: "customer:phone", kind: "message", text: ""),
            TimelineEntry(at: 3600, actor: "bot:Help Bot", kind: "tokenReminder", text: "say \"hi\""),
        ])

    @Test func writtenScenariosParseBackEqual() throws {
        #expect(ScenarioParser.check(Self.everything).isEmpty, "\(ScenarioParser.check(Self.everything).text)")
        let yaml = ScenarioWriter.yaml(Self.everything)
        let (parsed, found) = parse(yaml, file: "everything.yaml")
        #expect(found.isEmpty, "\(found.text)\n\(yaml)")
        let scenario = try #require(parsed)
        #expect(scenario == Self.everything, "\(yaml)")
        #expect(ScenarioWriter.yaml(scenario) == yaml)
        #expect(scenario.steps.allSatisfy { $0.line > 0 })
    }

    @Test func writesTheSpecExampleReadably() throws {
        let scenario = try #require(parse(specExample).0)
        let yaml = ScenarioWriter.yaml(scenario)
        #expect(
            yaml == """
                name: agent-greets-then-resolves
                description: "Agent joins after a short queue, greets, waits for the customer, ends the chat."
                integration: support
                steps:
                  - queue: {position: 2, estimatedWaitSeconds: 40}
                  - after: 20s
                  - agent.join: {name: Alice}
                  - agent.say: "Hi, I'm Alice. How can I help?"
                  - expect.customer: {matches: "(?i)refund", within: 5m}
                  - agent.typing: {}
                  - after: 3s
                  - agent.say: "Your refund is on its way."
                  - after: 10m
                  - chat.end: {reason: agent}
                customer:
                  - chat.start: {}
                  - after: 25s
                  - say: "I want a refund"

                """)
        #expect(parse(yaml).0 == scenario)
    }

    @Test func writesOnTimeoutAsANestedBlock() {
        let scenario = Scenario(
            name: "n",
            steps: [
                ScenarioStepEntry(.agentJoin(name: "A", as: nil)),
                ScenarioStepEntry(
                    .expectCustomer(matcher: .regex("x"), within: 60, onTimeout: [ScenarioStepEntry(.chatEnd(reason: "USER_INACTIVE"))])),
            ])
        #expect(
            ScenarioWriter.yaml(scenario).contains(
                """
                  - expect.customer:
                      matches: "x"
                      within: 1m
                      onTimeout:
                        - chat.end: {reason: USER_INACTIVE}
                """))
    }

    @Test func writesOneStepPerLineForReports() {
        #expect(ScenarioWriter.step(.agentSay(text: "Hi \"you\"", agent: "first")) == #"agent.say: {text: "Hi \"you\"", agent: first}"#)
        #expect(ScenarioWriter.step(.after(seconds: 90)) == "after: 1m30s")
        #expect(
            ScenarioWriter.step(.expectCustomer(matcher: .exact("x"), within: nil, onTimeout: [ScenarioStepEntry(.tokenExpire)]))
                == #"expect.customer: {equals: "x"}"#)
        #expect(ScenarioWriter.customerStep(.join(device: "phone")) == "join: {device: phone}")
        #expect(ScenarioWriter.customerStep(.chatStart(device: nil, parameters: [:])) == "chat.start: {}")
    }

    @Test func referenceScenariosRoundTrip() throws {
        for (file, scenario) in try referenceScenarios() {
            let yaml = ScenarioWriter.yaml(scenario)
            let (again, found) = parse(yaml, file: file)
            #expect(found.isEmpty, "\(file): \(found.text)")
            #expect(again == scenario, "\(file)\n\(yaml)")
        }
    }
}
