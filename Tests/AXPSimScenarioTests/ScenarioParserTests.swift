import AXPSimCore
import AXPSimFixtures
import AXPSimScenario
import Testing

@Suite struct ScenarioParserTests {
    @Test func parsesTheSpecExampleWithLines() throws {
        let (parsed, found) = parse(specExample)
        #expect(found.isEmpty, "\(found.text)")
        let scenario = try #require(parsed)
        #expect(scenario.name == "agent-greets-then-resolves")
        #expect(scenario.description == "Agent joins after a short queue, greets, waits for the customer, ends the chat.")
        #expect(scenario.integration == "support")
        #expect(scenario.file == "s.yaml")
        #expect(
            scenario.steps.map(\.step) == [
                .queue(position: 2, estimatedWaitSeconds: 40), .after(seconds: 20), .agentJoin(name: "Alice", as: nil),
                .agentSay(text: "Hi, I'm Alice. How can I help?", agent: nil),
                .expectCustomer(matcher: .regex("(?i)refund"), within: 300, onTimeout: nil), .agentTyping(agent: nil), .after(seconds: 3),
                .agentSay(text: "Your refund is on its way.", agent: nil), .after(seconds: 600), .chatEnd(reason: "agent"),
            ])
        #expect(scenario.steps.map(\.line) == Array(5...14))
        #expect(scenario.steps.allSatisfy { $0.column == 5 })
        #expect(
            scenario.customer?.map(\.step) == [
                .chatStart(device: nil, parameters: [:]), .after(seconds: 25), .say(text: "I want a refund", device: nil),
            ])
        #expect(scenario.customer?.map(\.line) == [16, 17, 18])
        #expect(scenario.totalDelaySeconds == 20 + 300 + 3 + 600)
        #expect(scenario.customerDelaySeconds == 25)
        #expect(scenario.primaryDevice == "main" && scenario.devices == ["main"])
        #expect(scenario.timeline == nil)
    }

    @Test func acceptsTheShortForms() throws {
        let (parsed, found) = parse(
            """
            steps:
              - queue: 3
              - agent.join: Alice
              - agent.join: {}
              - agent.say: {text: "hello", agent: Alice}
              - agent.typing
              - agent.leave: Alice
              - agent.leave:
              - bot.say: "beep"
              - bot.say: {text: "boop", name: Helper}
              - token.expire
              - token.revoke:
              - socket.drop: {}
              - session.close: {}
              - chat.end: USER_INACTIVE
              - after: 90
            customer:
              - chat.start: {device: laptop, parameters: {topic: refund, count: 3}}
              - join: phone
              - say: {text: "hi", device: phone}
              - say: "from the laptop"
              - token.refresh: phone
              - reconnect: {}
              - expect.agent: {equals: "Hi there", within: 1m}
              - disconnect: {device: laptop}
            """, file: "dir/short-forms.yml")
        #expect(found.isEmpty, "\(found.text)")
        let scenario = try #require(parsed)
        #expect(scenario.name == "short-forms")
        #expect(
            scenario.steps.map(\.step) == [
                .queue(position: 3, estimatedWaitSeconds: nil), .agentJoin(name: "Alice", as: nil), .agentJoin(name: nil, as: nil),
                .agentSay(text: "hello", agent: "Alice"), .agentTyping(agent: nil), .agentLeave(agent: "Alice"), .agentLeave(agent: nil),
                .botSay(text: "beep", name: nil), .botSay(text: "boop", name: "Helper"), .tokenExpire, .tokenRevoke, .socketDrop, .sessionClose,
                .chatEnd(reason: "USER_INACTIVE"), .after(seconds: 90),
            ])
        #expect(
            scenario.customer?.map(\.step) == [
                .chatStart(device: "laptop", parameters: ["topic": "refund", "count": "3"]), .join(device: "phone"),
                .say(text: "hi", device: "phone"),
                .say(text: "from the laptop", device: nil), .tokenRefresh(device: "phone"), .reconnect(device: nil),
                .expectAgent(matcher: .exact("Hi there"), within: 60), .disconnect(device: "laptop"),
            ])
        #expect(scenario.primaryDevice == "laptop" && scenario.devices == ["laptop", "phone"])
        #expect(scenario.customerDelaySeconds == 60)
    }

    @Test func parsesFaultsOnTimeoutAndTimeline() throws {
        let (parsed, found) = parse(
            """
            name: faults
            steps:
              - fault: {match: {method: post, path: /sdk/x}, action: {status: 503}, probability: 0.25, seed: 7, count: 2}
              - fault: {match: {event: typing}, action: {drop: true}}
              - fault: {match: {event: MESSAGE}, action: {delayMs: 1500}}
              - fault: {match: {path: /a}, action: {closeSocket: true}, probability: 0}
              - agent.join: {name: Bob, as: b}
              - expect.customer:
                  equals: "yes"
                  within: 1m30s
                  onTimeout:
                    - agent.say: {text: "Still there?", agent: b}
                    - after: 10s
                    - chat.end: {reason: USER_INACTIVE}
            timeline:
              - {at: 0, actor: system, kind: queue}
              - {at: 1.5, actor: "agent:Bob", kind: join}
              - {at: 20s, actor: customer, kind: message, text: "hi"}
              - {at: 21, actor: "customer:phone", kind: tokenReminder, text: ""}
            """)
        #expect(found.isEmpty, "\(found.text)")
        let scenario = try #require(parsed)
        #expect(
            scenario.steps.prefix(4).map(\.step) == [
                .fault(FaultRule(match: FaultMatch(method: "POST", path: "/sdk/x"), action: .status(503), probability: 0.25, seed: 7, count: 2)),
                .fault(FaultRule(match: FaultMatch(event: "TYPING"), action: .drop)),
                .fault(FaultRule(match: FaultMatch(event: "MESSAGE"), action: .delay(milliseconds: 1500))),
                .fault(FaultRule(match: FaultMatch(path: "/a"), action: .closeSocket, probability: 0)),
            ])
        guard case .expectCustomer(let matcher, let within, let onTimeout?) = scenario.steps[5].step else {
            Issue.record("not an expect.customer with onTimeout")
            return
        }
        #expect(matcher == .exact("yes") && within == 90)
        #expect(onTimeout.map(\.step) == [.agentSay(text: "Still there?", agent: "b"), .after(seconds: 10), .chatEnd(reason: "USER_INACTIVE")])
        #expect(onTimeout.map(\.line) == [12, 13, 14] && onTimeout[0].column == 11)
        #expect(scenario.totalDelaySeconds == 90 + 10)
        #expect(
            scenario.timeline == [
                TimelineEntry(at: 0, actor: "system", kind: "queue"), TimelineEntry(at: 1.5, actor: "agent:Bob", kind: "join"),
                TimelineEntry(at: 20, actor: "customer", kind: "message", text: "hi"),
                TimelineEntry(at: 21, actor: "customer:phone", kind: "tokenReminder", text: ""),
            ])
        #expect(scenario.timeline?.map(\.line) == [16, 17, 18, 19])
    }

    @Test func reportsUnknownKindsWithTheNearestOne() {
        let found = diagnostics(
            """
            steps:
              - agent.jion: {name: A}
              - wait: 5s
              - say: "hi"
            customer:
              - chat.start: {}
              - agent.say: "hi"
              - sya: "hi"
            """)
        #expect(found.has(line: 2, "unknown step kind 'agent.jion'", hint: "did you mean 'agent.join'?"), "\(found.text)")
        #expect(found.has(line: 2, "unknown step kind", hint: "after, queue, agent.join"))
        #expect(found.has(line: 3, "unknown step kind 'wait'", hint: "contact-center steps are:"))
        #expect(!(found.first { $0.line == 3 }?.hint?.contains("did you mean") ?? true))
        #expect(found.has(line: 4, "'say' is a customer step", hint: "customer:"))
        #expect(found.has(line: 7, "'agent.say' is a contact-center step", hint: "steps:"))
        #expect(found.has(line: 8, "unknown step kind 'sya'", hint: "did you mean 'say'?"))
        #expect(found.allSatisfy { $0.file == "s.yaml" && $0.column > 0 })
    }

    @Test func reportsEveryMistakeOfAFileAtOnce() {
        let (parsed, found) = parse(
            """
            name: bad name
            descripton: x
            steps:
              - after: 5 minutes
              - after:
              - queue: {position: 0, estimatedWaitSeconds: soon}
              - queue: {positon: 2}
              - agent.join: {name: "", as: "two words"}
              - agent.say: {agent: a}
              - agent.say: ""
              - expect.customer: {matches: "(unclosed", within: 1m}
              - expect.customer: {matches: "a", equals: "b"}
              - expect.customer: {}
              - expect.customer: {equals: "x", onTimeout: [chat.end: {}]}
              - expect.customer: {equals: "x", within: 1m, onTimeout: []}
              - token.expire: {now: true}
              - socket.drop: 3
              - chat.end: [agent]
              - {}
              - [after, 5s]
              - agent.say: "hi"
                agent: first
              - after: 31d
              - after: 900h
            """)
        #expect(parsed == nil)
        #expect(found.has(line: 1, "not a valid scenario name", hint: "letters, digits"), "\(found.text)")
        #expect(found.has(line: 2, "unknown key 'descripton'", hint: "did you mean 'description'?"))
        #expect(found.has(line: 4, "'5 minutes' is not a duration", hint: "250ms, 20s, 5m, 1h, 1m30s"))
        #expect(found.has(line: 5, "after needs a duration"))
        #expect(found.has(line: 6, "position must be between 1 and 100000"))
        #expect(found.has(line: 6, "estimatedWaitSeconds must be an integer"))
        #expect(found.has(line: 7, "unknown key 'positon'", hint: "did you mean 'position'?"))
        #expect(found.has(line: 7, "missing 'position'"))
        #expect(found.has(line: 8, "name is empty"))
        #expect(found.has(line: 8, "as 'two words' is not a single word"))
        #expect(found.has(line: 9, "needs exactly one of text and body"))
        #expect(found.has(line: 10, "agent.say is empty"))
        #expect(found.has(line: 11, "not a valid regular expression"))
        #expect(found.has(line: 12, "not both"))
        #expect(found.has(line: 13, "needs 'matches'"))
        #expect(found.has(line: 14, "onTimeout needs 'within'", hint: "within: 5m"))
        #expect(found.has(line: 15, "onTimeout is empty"))
        #expect(found.has(line: 16, "token.expire takes no arguments", hint: "token.expire: {}"))
        #expect(found.has(line: 17, "socket.drop takes no arguments"))
        #expect(found.has(line: 18, "must be a mapping"))
        #expect(found.has(line: 19, "an empty step"))
        #expect(found.has(line: 20, "not a list"))
        #expect(found.has(line: 21, "exactly one kind", hint: "'- '"))
        #expect(found.has(line: 23, "'31d' is not a duration"))
        #expect(found.has(line: 24, "longer than 30 days"))
        #expect(found.map(\.line) == found.map(\.line).sorted())
    }

    @Test func reportsBadFaultRules() {
        let found = diagnostics(
            """
            steps:
              - fault: {match: {event: MESAGE}, action: {status: 503, drop: true}, probability: 2}
              - fault: {match: {}, action: {drop: false}}
              - fault: {match: {method: FETCH, path: sdk}, action: {status: 99}}
              - fault: {match: {event: TYPING}, action: {status: 500}}
              - fault: {action: {delayMs: -1}, count: 0, seed: x}
              - fault: {match: {path: /a, host: b}, action: {}}
            """)
        #expect(found.has(line: 2, "unknown event type 'MESAGE'", hint: "did you mean 'MESSAGE'?"), "\(found.text)")
        #expect(found.has(line: 2, "exactly one of delayMs, status, drop, closeSocket"))
        #expect(found.has(line: 2, "probability must be a number from 0 to 1"))
        #expect(found.has(line: 3, "match is empty"))
        #expect(found.has(line: 3, "drop: false is no action"))
        #expect(found.has(line: 4, "unknown HTTP method 'FETCH'", hint: "GET"))
        #expect(found.has(line: 4, "must start with '/'"))
        #expect(found.has(line: 4, "status must be between 100 and 599"))
        #expect(found.has(line: 5, "a status answers an HTTP request"))
        #expect(found.has(line: 6, "missing 'match'"))
        #expect(found.has(line: 6, "delayMs must be between 0 and 600000"))
        #expect(found.has(line: 6, "count must be between 1 and 1000000"))
        #expect(found.has(line: 6, "seed must be an integer"))
        #expect(found.has(line: 7, "unknown key 'host'"))
        #expect(found.has(line: 7, "exactly one of"))
    }

    @Test func checksAgentLabels() {
        let found = diagnostics(
            """
            steps:
              - agent.say: "nobody here"
              - agent.join: {name: Alice, as: first}
              - agent.say: {text: "hi", agent: frist}
              - agent.join: {name: Bob, as: first}
              - agent.join: {name: Carol}
              - agent.say: {text: "by name", agent: Carol}
              - agent.leave: {agent: first}
              - agent.typing: {agent: first}
              - agent.say: {text: "later", agent: second}
              - agent.leave: {agent: Carol}
              - agent.leave: {}
              - agent.typing: {}
            """)
        #expect(found.has(line: 2, "no agent is in the chat", hint: "agent.join"), "\(found.text)")
        #expect(found.has(line: 4, "agent 'frist', which has not joined", hint: "did you mean 'first'?"))
        #expect(found.has(line: 5, "label 'first' is already used by the agent that joined at line 3"))
        #expect(!found.contains { $0.line == 7 })
        #expect(found.has(line: 9, "agent 'first', which left at line 8"))
        #expect(found.has(line: 10, "agent 'second', which has not joined", hint: "agents so far: Carol, first"))
        #expect(!found.contains { $0.line == 11 || $0.line == 12 })
        #expect(found.has(line: 13, "no agent is in the chat here (the last one left at line 12)"))
        #expect(found.count == 6)
    }

    @Test func aLabelCanBeReusedAfterItsAgentLeft() {
        let found = diagnostics(
            """
            steps:
              - agent.join: {name: Alice, as: a}
              - agent.leave: {}
              - agent.join: {name: Bob, as: a}
              - agent.say: {text: "hi", agent: a}
            """)
        #expect(found.isEmpty, "\(found.text)")
    }

    @Test func checksStepsAfterTheChatEnded() {
        let found = diagnostics(
            """
            steps:
              - agent.join: {name: A}
              - expect.customer:
                  matches: "x"
                  within: 1m
                  onTimeout:
                    - chat.end: {reason: USER_INACTIVE}
                    - agent.say: "in the branch, after the end"
                    - after: 1s
                    - agent.join: {name: B, as: b}
              - agent.say: "main path continues"
              - agent.say: {text: "b joined only in the branch", agent: b}
              - chat.end: {}
              - after: 5s
              - token.revoke: {}
              - session.close: {}
              - agent.say: "dead"
              - chat.end: {}
            """)
        #expect(found.has(line: 8, "agent.say after the chat ended (chat.end at line 7)"), "\(found.text)")
        #expect(found.has(line: 10, "agent.join after the chat ended"))
        #expect(found.has(line: 12, "agent 'b', which has not joined"))
        #expect(found.has(line: 17, "agent.say after the chat ended (chat.end at line 13)"))
        #expect(found.has(line: 18, "chat.end after the chat ended"))
        #expect(found.count == 5)
    }

    @Test func checksTheCustomerSide() {
        let found = diagnostics(
            """
            steps:
              - after: 1s
            customer:
              - say: "before the start"
              - chat.start: {}
              - say: {text: "from the phone", device: phone}
              - join: {device: phone}
              - say: {text: "from the phone", device: phone}
              - join: {device: phone}
              - chat.start: {device: tablet}
              - token.refresh: {device: fone}
              - disconnect: {}
              - after: 1s
              - say: "after the end"
            """)
        #expect(found.has(line: 4, "must begin with chat.start", hint: "- chat.start: {}"), "\(found.text)")
        #expect(found.has(line: 6, "device 'phone', which has not started or joined", hint: "join: {device: phone}"))
        #expect(!found.contains { $0.line == 7 || $0.line == 8 || $0.line == 13 })
        #expect(found.has(line: 9, "device 'phone' is already in the chat since line 7"))
        #expect(found.has(line: 10, "already started at line 5", hint: "join"))
        #expect(found.has(line: 11, "device 'fone'", hint: "did you mean 'phone'?"))
        #expect(found.has(line: 14, "say after the customer ended the chat (disconnect at line 12)"))
        #expect(found.count == 6)
    }

    @Test func customerStepsWithoutDeviceActOnThePrimaryDevice() {
        let found = diagnostics(
            """
            steps: [after: 1s]
            customer:
              - chat.start: {device: laptop}
              - say: "hi"
              - say: {text: "hi", device: main}
            """)
        #expect(found.count == 1 && found.has(line: 5, "device 'main', which has not started or joined"), "\(found.text)")
    }

    @Test func reportsTopLevelMistakes() {
        #expect(diagnostics("name: x\n").has(line: 1, "missing 'steps'"))
        #expect(diagnostics("steps: []\n").has(line: 1, "steps is empty"))
        #expect(diagnostics("steps: {a: 1}\n").has(line: 1, "steps must be a list"))
        #expect(diagnostics("steps: [after: 1s]\ncustomer: []\n").has(line: 2, "customer is empty"))
        #expect(diagnostics("- a\n- b\n").has(line: 1, "must be a mapping"))
        #expect(diagnostics("").has(line: 1, "empty"))
        #expect(diagnostics("steps: [after: 1s]\nname: ~\n").has(line: 2, "name is empty"))
        #expect(diagnostics("steps: [after: 1s]\ndescription: {a: b}\n").has(line: 2, "description must be a string"))
        #expect(diagnostics("steps: [agent.join: {name: José, as: José}]\n").has(line: 1, "as 'José' is not a single word", hint: "ASCII"))
        let syntax = diagnostics("steps:\n  - after: [1s\n")
        #expect(syntax.count == 1 && syntax[0].message.contains("syntax"), "\(syntax.text)")
        let (_, unnamed) = parse("steps: [after: 1s]\n", file: "my scenario.yaml")
        #expect(unnamed.has(line: 1, "no name", hint: "name:"))
    }

    @Test func reportsTimelineMistakes() {
        let found = diagnostics(
            """
            steps: [after: 1s]
            timeline:
              - {at: 5, actor: agent, kind: message}
              - {at: 4, actor: "agent:A", kind: "two words"}
              - {at: 6, actor: customer, kind: message, text: [a]}
              - {at: soon, actor: system, kind: end, extra: 1}
              - {actor: system}
            """)
        #expect(found.has(line: 3, "actor 'agent' is not one of the accepted forms", hint: "agent:NAME"), "\(found.text)")
        #expect(found.has(line: 4, "kind 'two words' is not a single word"))
        #expect(found.has(line: 5, "text must be a string"))
        #expect(found.has(line: 6, "'soon' is not a duration"))
        #expect(found.has(line: 6, "unknown key 'extra'"))
        #expect(found.has(line: 7, "missing 'at'") && found.has(line: 7, "missing 'kind'"))
        let backwards = diagnostics("steps: [after: 1s]\ntimeline:\n  - {at: 5, actor: system, kind: a}\n  - {at: 4, actor: system, kind: b}\n")
        #expect(backwards.has(line: 4, "goes back in time", hint: "time order"), "\(backwards.text)")
    }

    @Test func checksTheIntegrationAgainstKnownOnes() {
        let yaml = "integration: suport\nsteps: [after: 1s]\n"
        let known: Set<String> = ["support", "sales", "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01"]
        let (_, found) = ScenarioParser.parse(yaml, file: "s.yaml", knownIntegrations: known)
        #expect(found.has(line: 1, "unknown integration 'suport'", hint: "did you mean 'support'?"), "\(found.text)")
        #expect(!(found.first?.hint?.contains("6f1c2a52") ?? true))
        #expect(
            ScenarioParser.parse("integration: 6F1C2A52-6D2E-4C1B-9A43-0D6C8E1F2A01\nsteps: [after: 1s]\n", file: "s", knownIntegrations: known).1
                .isEmpty)
        #expect(ScenarioParser.parse(yaml, file: "s.yaml").1.isEmpty)
    }

    @Test func checksScenariosBuiltInCode() {
        let scenario = Scenario(
            name: "built", steps: [ScenarioStepEntry(.agentSay(text: "hi", agent: "x"), line: 3, column: 5)],
            customer: [CustomerStepEntry(.say(text: "hi", device: nil))])
        let found = ScenarioParser.check(scenario)
        #expect(found.count == 2, "\(found.text)")
        #expect(found.has(line: 0, "must begin with chat.start") && found.has(line: 3, "agent 'x'"))
        #expect(found.allSatisfy { $0.file == "<scenario>" })
    }

    @Test func recognisesScenarioFiles() {
        #expect(ScenarioParser.looksLikeScenario(specExample))
        #expect(ScenarioParser.looksLikeScenario("name: x\n"))
        #expect(!ScenarioParser.looksLikeScenario("accounts: []\n"))
        #expect(!ScenarioParser.looksLikeScenario("accounts: []\nsteps: []\n"))
        #expect(!ScenarioParser.looksLikeScenario("- a\n"))
        #expect(!ScenarioParser.looksLikeScenario("steps: [unclosed\n"))
    }

    @Test func matchesText() {
        #expect(TextMatcher.regex("(?i)refund").matches("I want a REFUND please"))
        #expect(!TextMatcher.regex("^refund$").matches("a refund"))
        #expect(TextMatcher.regex("\\d{4,}").matches("order 12345"))
        #expect(TextMatcher.exact("Hi").matches("Hi") && !TextMatcher.exact("Hi").matches("Hi!"))
        #expect(!TextMatcher.regex("(").matches("("))
        #expect(TextMatcher.regexError("(") != nil && TextMatcher.regexError("a+") == nil)
    }

    @Test func equalityIgnoresWhereAStepWasWritten() {
        let a = Scenario(name: "n", steps: [ScenarioStepEntry(.tokenExpire, line: 3, column: 5)], file: "a.yaml")
        let b = Scenario(name: "n", steps: [ScenarioStepEntry(.tokenExpire)], file: "b.yaml")
        #expect(a == b)
        #expect(a != Scenario(name: "n", steps: [ScenarioStepEntry(.tokenRevoke, line: 3, column: 5)]))
        #expect(ScenarioStep.kinds.count == 15 && CustomerStep.kinds.count == 8)
        #expect(ScenarioStep.agentJoin(name: "Alice", as: nil).definedAgentLabel == "Alice")
        #expect(ScenarioStep.agentJoin(name: "Alice", as: "first").definedAgentLabel == "first")
        #expect(ScenarioStep.agentSay(text: "x", agent: "first").agentReference == "first")
    }
}

/// `agent.say: {body: …}`: any message the contact center may send, checked as the control plane
/// checks it, written back as JSON flow YAML.
@Suite struct ScenarioRichMessageTests {
    static let carousel = """
        name: rich
        steps:
          - agent.join: Alice
          - agent.say:
              body:
                elementType: carousel
                elementText: {text: "Pick one"}
                richMediaPayload:
                  items:
                    - title: Red
                      actions: [{type: postback, text: Red, payload: red}]
                    - title: Blue
                      description: "Deep blue"
                      actions: [{type: postback, text: Blue, payload: blue}]
          - agent.say: {body: {elementType: text, elementText: {text: "Where are you?"}, richMediaPayload: {actions: [{type: locationRequest}]}}, agent: Alice}
        """

    @Test func aBodyIsReadCheckedAndKeptInItsStoredForm() throws {
        let (parsed, found) = parse(Self.carousel)
        #expect(found.isEmpty, "\(found.text)")
        let steps = try #require(parsed).steps.map(\.step)
        guard case .agentSay(let summary, nil, let stored?) = steps[1] else {
            Issue.record("not a body: \(steps[1])")
            return
        }
        let body = MessageBody(stored: stored)
        #expect(body.elementType == .carousel && body.richMediaPayload?.items.map(\.title) == ["Red", "Blue"])
        #expect(summary == body.summary)
        guard case .agentSay(_, "Alice", let request?) = steps[2] else {
            Issue.record("not a labelled body: \(steps[2])")
            return
        }
        #expect(MessageBody(stored: request).actions.map(\.type) == [.locationRequest])
    }

    @Test func aBodyRoundTripsThroughTheWriter() throws {
        let scenario = try #require(parse(Self.carousel).0)
        let (again, found) = parse(ScenarioWriter.yaml(scenario))
        #expect(found.isEmpty, "\(found.text)")
        #expect(again?.steps.map(\.step) == scenario.steps.map(\.step))
    }

    @Test func aBadBodyIsReportedAtItsLineWithItsField() {
        let (_, found) = parse(
            """
            steps:
              - agent.join: Alice
              - agent.say: {body: {elementType: carousel, richMediaPayload: {items: []}}}
              - agent.say: {text: "Hi", body: {elementType: text, elementText: {text: "Hi"}}}
            """)
        #expect(found.contains { $0.line == 3 && $0.message.contains("richMediaPayload.items") }, "\(found.text)")
        #expect(found.contains { $0.line == 4 && $0.message.contains("exactly one of text and body") }, "\(found.text)")
    }
}
