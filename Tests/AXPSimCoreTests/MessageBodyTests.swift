import AXPSimCore
import Foundation
import Testing

/// Parses JSON text written in a test.
private func json(_ text: String) throws(AXPSimError) -> JSONValue {
    try JSONValue.parse(Data(text.utf8))
}

/// `count` copies of `a`.
private func chars(_ count: Int) -> String {
    String(repeating: "a", count: count)
}

/// The violations a reader reports; records an issue when it accepts.
private func violations(_ read: () throws -> MessageBody) -> [Violation] {
    do {
        let body = try read()
        Issue.record("accepted: \(body)")
        return []
    } catch let error as AXPSimError {
        #expect(error.code == "constraint_violation")
        #expect(error.status == 400)
        return error.violations ?? []
    } catch {
        Issue.record("not an AXPSimError: \(error)")
        return []
    }
}

private func read(_ sender: MessageBody.Sender, _ body: JSONValue, maxTextLength: Int = 4096) throws(AXPSimError) -> MessageBody {
    switch sender {
    case .omniCustomer: try MessageBody.customer(omni: body, maxTextLength: maxTextLength)
    case .chatSDKCustomer: try MessageBody.customer(chatSDK: body, maxTextLength: maxTextLength)
    case .contactCenter: try MessageBody.agent(body, maxTextLength: maxTextLength)
    }
}

// MARK: - Bodies as the Omni SDK sends them (OMNI-SDK.md 4.1)

private func omniText(_ text: String) -> String {
    #"{"elementType":"text","elementText":{"text":\#(quoted(text)),"textFormat":"PLAINTEXT"}}"#
}

private func omniSelection(_ type: String, action: String) -> String {
    #"{"elementType":"\#(type)","elementText":{"text":"","textFormat":"PLAINTEXT"},"richMediaPayload":{"selectedAction":\#(action)}}"#
}

private func omniLocation(_ coordinates: String, location: String = #"{"name":"Centraal","address":"Stationsplein 1"}"#) -> String {
    #"{"elementType":"location","elementText":{"text":"","textFormat":"PLAINTEXT"},"richMediaPayload":{"coordinates":\#(coordinates),"location":\#(location)}}"#
}

private func omniFile(_ type: String = "file", caption: String = "the invoice", ids: String = #"["0b8f4a4e-5b7d-4f7a-9d43-1c1c8c0f7a10"]"#) -> String
{
    #"{"elementType":"\#(type)","elementText":{"text":\#(quoted(caption)),"textFormat":"PLAINTEXT"},"richMediaPayload":{"attachmentIds":\#(ids)}}"#
}

private func quoted(_ text: String) -> String {
    String(decoding: JSONValue.string(text).jsonData, as: UTF8.self)
}

// MARK: - Bodies as the contact center sends them (OMNI-SDK.md 4.2)

private func agentText(actions: String) -> String {
    #"{"elementType":"text","elementText":{"text":"Where are you?","textFormat":"PLAINTEXT"},"richMediaPayload":{"actions":\#(actions)}}"#
}

private func agentCarousel(items: String) -> String {
    #"{"elementType":"carousel","elementText":{"text":"Our rooms","textFormat":"PLAINTEXT"},"richMediaPayload":{"items":\#(items)}}"#
}

private let postbackAction = #"{"type":"postback","text":"Book","payload":"book-1"}"#

private func card(
    title: String = "Double room", description: String = "Two beds", mediaUrl: String = "https://axp.test/room.jpg", actions: String? = nil
) -> String {
    #"{"title":\#(quoted(title)),"description":\#(quoted(description)),"mediaUrl":\#(quoted(mediaUrl)),"actions":\#(actions ?? "[\(postbackAction)]")}"#
}

private func list(_ count: Int, _ element: String) -> String {
    "[" + Array(repeating: element, count: count).joined(separator: ",") + "]"
}

/// One limit: a body at its edge (accepted) and one just past it (refused on `field`).
struct EdgeCase: Sendable, CustomTestStringConvertible {
    let name: String
    let sender: MessageBody.Sender
    let maxTextLength: Int
    let atEdge: String
    let pastEdge: String
    let field: String

    init(_ name: String, _ sender: MessageBody.Sender, maxTextLength: Int = 4096, edge: String, past: String, field: String) {
        self.name = name
        self.sender = sender
        self.maxTextLength = maxTextLength
        self.atEdge = edge
        self.pastEdge = past
        self.field = field
    }

    var testDescription: String { name }

    static let all: [EdgeCase] = [
        // Customer (Omni SDK) limits of OMNI-SDK.md 4.1.
        EdgeCase("text longest", .omniCustomer, edge: omniText(chars(4096)), past: omniText(chars(4097)), field: "body.elementText.text"),
        EdgeCase("text shortest", .omniCustomer, edge: omniText("a"), past: omniText(""), field: "body.elementText.text"),
        EdgeCase("text not blank", .omniCustomer, edge: omniText(" a "), past: omniText(" \n\t "), field: "body.elementText.text"),
        EdgeCase(
            "text maxTextLength", .omniCustomer, maxTextLength: 100, edge: omniText(chars(100)), past: omniText(chars(101)),
            field: "body.elementText.text"),
        EdgeCase(
            "selectedAction.text", .omniCustomer,
            edge: omniSelection("postback", action: #"{"type":"postback","text":"\#(chars(50))","payload":"p"}"#),
            past: omniSelection("postback", action: #"{"type":"postback","text":"\#(chars(51))","payload":"p"}"#),
            field: "body.richMediaPayload.selectedAction.text"),
        EdgeCase(
            "selectedAction.payload", .omniCustomer,
            edge: omniSelection("postback", action: #"{"type":"postback","payload":"\#(chars(512))"}"#),
            past: omniSelection("postback", action: #"{"type":"postback","payload":"\#(chars(513))"}"#),
            field: "body.richMediaPayload.selectedAction.payload"),
        EdgeCase(
            "postback payload required", .omniCustomer,
            edge: omniSelection("postback", action: #"{"type":"postback","payload":""}"#),
            past: omniSelection("postback", action: #"{"type":"postback","text":"Yes"}"#),
            field: "body.richMediaPayload.selectedAction.payload"),
        EdgeCase(
            "selectedAction.iconUrl", .omniCustomer,
            edge: omniSelection("reply", action: #"{"type":"reply","text":"Yes","iconUrl":"\#(chars(2048))"}"#),
            past: omniSelection("reply", action: #"{"type":"reply","text":"Yes","iconUrl":"\#(chars(2049))"}"#),
            field: "body.richMediaPayload.selectedAction.iconUrl"),
        EdgeCase(
            "selectedAction.type matches elementType", .omniCustomer,
            edge: omniSelection("reply", action: #"{"type":"reply","text":"Yes"}"#),
            past: omniSelection("reply", action: #"{"type":"postback","text":"Yes","payload":"y"}"#),
            field: "body.richMediaPayload.selectedAction.type"),
        EdgeCase(
            "selectedAction required", .omniCustomer,
            edge: omniSelection("reply", action: #"{"type":"reply"}"#),
            past: #"{"elementType":"reply","elementText":{"text":""},"richMediaPayload":{}}"#,
            field: "body.richMediaPayload.selectedAction"),
        EdgeCase(
            "latitude max", .omniCustomer, edge: omniLocation(#"{"lat":90,"long":0}"#), past: omniLocation(#"{"lat":90.0001,"long":0}"#),
            field: "body.richMediaPayload.coordinates.lat"),
        EdgeCase(
            "latitude min", .omniCustomer, edge: omniLocation(#"{"lat":-90.0,"long":0}"#), past: omniLocation(#"{"lat":-90.5,"long":0}"#),
            field: "body.richMediaPayload.coordinates.lat"),
        EdgeCase(
            "longitude max", .omniCustomer, edge: omniLocation(#"{"lat":0,"long":180}"#), past: omniLocation(#"{"lat":0,"long":181}"#),
            field: "body.richMediaPayload.coordinates.long"),
        EdgeCase(
            "longitude min", .omniCustomer, edge: omniLocation(#"{"lat":0,"long":-180}"#), past: omniLocation(#"{"lat":0,"long":-180.01}"#),
            field: "body.richMediaPayload.coordinates.long"),
        EdgeCase(
            "coordinates required", .omniCustomer, edge: omniLocation(#"{"lat":0,"long":0}"#),
            past: #"{"elementType":"location","elementText":{"text":""},"richMediaPayload":{"location":{"name":"Home"}}}"#,
            field: "body.richMediaPayload.coordinates"),
        EdgeCase(
            "location.name", .omniCustomer, edge: omniLocation(#"{"lat":1,"long":2}"#, location: #"{"name":"\#(chars(50))"}"#),
            past: omniLocation(#"{"lat":1,"long":2}"#, location: #"{"name":"\#(chars(51))"}"#), field: "body.richMediaPayload.location.name"),
        EdgeCase(
            "location.address", .omniCustomer, edge: omniLocation(#"{"lat":1,"long":2}"#, location: #"{"address":"\#(chars(512))"}"#),
            past: omniLocation(#"{"lat":1,"long":2}"#, location: #"{"address":"\#(chars(513))"}"#), field: "body.richMediaPayload.location.address"),
        EdgeCase(
            "caption", .omniCustomer, edge: omniFile(caption: chars(4096)), past: omniFile(caption: chars(4097)), field: "body.elementText.text"),
        EdgeCase(
            "caption is not maxTextLength", .omniCustomer, maxTextLength: 10, edge: omniFile("image", caption: chars(4096)),
            past: omniFile("image", caption: chars(4097)), field: "body.elementText.text"),
        EdgeCase(
            "one attachment, not two", .omniCustomer, edge: omniFile(ids: #"["m-1"]"#), past: omniFile(ids: #"["m-1","m-2"]"#),
            field: "body.richMediaPayload.attachmentIds"),
        EdgeCase(
            "one attachment, not none", .omniCustomer, edge: omniFile("image", ids: #"["m-1"]"#), past: omniFile("image", ids: "[]"),
            field: "body.richMediaPayload.attachmentIds"),
        EdgeCase(
            "attachment id not empty", .omniCustomer, edge: omniFile(ids: #"["m"]"#), past: omniFile(ids: #"[""]"#),
            field: "body.richMediaPayload.attachmentIds[0]"),
        EdgeCase(
            "attachment id length", .omniCustomer, edge: omniFile(ids: #"["\#(chars(256))"]"#), past: omniFile(ids: #"["\#(chars(257))"]"#),
            field: "body.richMediaPayload.attachmentIds[0]"),
        EdgeCase(
            "attachmentIds required", .omniCustomer, edge: omniFile(ids: #"["m"]"#),
            past: #"{"elementType":"file","elementText":{"text":"x"},"richMediaPayload":{}}"#, field: "body.richMediaPayload.attachmentIds"),
        EdgeCase(
            "richMediaPayload required", .omniCustomer, edge: omniLocation(#"{"lat":0,"long":0}"#),
            past: #"{"elementType":"location","elementText":{"text":""}}"#, field: "body.richMediaPayload"),

        // Contact center limits (axpsim's choices, MessageBody.Limits).
        EdgeCase(
            "agent text maxTextLength", .contactCenter, maxTextLength: 100,
            edge: #"{"elementType":"text","elementText":{"text":"\#(chars(100))"}}"#,
            past: #"{"elementType":"text","elementText":{"text":"\#(chars(101))"}}"#,
            field: "body.elementText.text"),
        EdgeCase(
            "actions on text", .contactCenter, edge: agentText(actions: list(10, postbackAction)), past: agentText(actions: list(11, postbackAction)),
            field: "body.richMediaPayload.actions"),
        EdgeCase(
            "actions of a postback message", .contactCenter,
            edge: #"{"elementType":"postback","elementText":{"text":"Pick"},"richMediaPayload":{"actions":[\#(postbackAction)]}}"#,
            past: #"{"elementType":"postback","elementText":{"text":"Pick"},"richMediaPayload":{"actions":[]}}"#,
            field: "body.richMediaPayload.actions"),
        EdgeCase(
            "action text", .contactCenter, edge: agentText(actions: #"[{"type":"reply","text":"\#(chars(50))"}]"#),
            past: agentText(actions: #"[{"type":"reply","text":"\#(chars(51))"}]"#), field: "body.richMediaPayload.actions[0].text"),
        EdgeCase(
            "action text required", .contactCenter, edge: agentText(actions: #"[{"type":"locationRequest"}]"#),
            past: agentText(actions: #"[{"type":"reply"}]"#), field: "body.richMediaPayload.actions[0].text"),
        EdgeCase(
            "action payload", .contactCenter, edge: agentText(actions: #"[{"type":"postback","text":"A","payload":"\#(chars(512))"}]"#),
            past: agentText(actions: #"[{"type":"postback","text":"A","payload":"\#(chars(513))"}]"#),
            field: "body.richMediaPayload.actions[0].payload"),
        EdgeCase(
            "postback action needs payload", .contactCenter, edge: agentText(actions: #"[{"type":"postback","text":"A","payload":"a"}]"#),
            past: agentText(actions: #"[{"type":"postback","text":"A"}]"#), field: "body.richMediaPayload.actions[0].payload"),
        EdgeCase(
            "link uri", .contactCenter, edge: agentText(actions: #"[{"type":"link","text":"Site","uri":"\#(chars(2048))"}]"#),
            past: agentText(actions: #"[{"type":"link","text":"Site","uri":"\#(chars(2049))"}]"#), field: "body.richMediaPayload.actions[0].uri"),
        EdgeCase(
            "link needs uri", .contactCenter, edge: agentText(actions: #"[{"type":"link","text":"Site","uri":"https://axp.test"}]"#),
            past: agentText(actions: #"[{"type":"link","text":"Site"}]"#), field: "body.richMediaPayload.actions[0].uri"),
        EdgeCase(
            "action iconUrl", .contactCenter, edge: agentText(actions: #"[{"type":"reply","text":"A","iconUrl":"\#(chars(2048))"}]"#),
            past: agentText(actions: #"[{"type":"reply","text":"A","iconUrl":"\#(chars(2049))"}]"#), field: "body.richMediaPayload.actions[0].iconUrl"
        ),
        EdgeCase(
            "carousel most items", .contactCenter, edge: agentCarousel(items: list(10, card())), past: agentCarousel(items: list(11, card())),
            field: "body.richMediaPayload.items"),
        EdgeCase(
            "carousel fewest items", .contactCenter, edge: agentCarousel(items: list(1, card())), past: agentCarousel(items: "[]"),
            field: "body.richMediaPayload.items"),
        EdgeCase(
            "carousel items required", .contactCenter, edge: agentCarousel(items: list(1, card())),
            past: #"{"elementType":"carousel","elementText":{"text":""},"richMediaPayload":{}}"#, field: "body.richMediaPayload.items"),
        EdgeCase(
            "card title", .contactCenter, edge: agentCarousel(items: "[\(card(title: chars(80)))]"),
            past: agentCarousel(items: "[\(card(title: chars(81)))]"), field: "body.richMediaPayload.items[0].title"),
        EdgeCase(
            "card title not empty", .contactCenter, edge: agentCarousel(items: "[\(card(title: "a"))]"),
            past: agentCarousel(items: "[\(card(title: ""))]"), field: "body.richMediaPayload.items[0].title"),
        EdgeCase(
            "card description", .contactCenter, edge: agentCarousel(items: "[\(card(description: chars(512)))]"),
            past: agentCarousel(items: "[\(card(description: chars(513)))]"), field: "body.richMediaPayload.items[0].description"),
        EdgeCase(
            "card mediaUrl", .contactCenter, edge: agentCarousel(items: "[\(card(mediaUrl: chars(2048)))]"),
            past: agentCarousel(items: "[\(card(mediaUrl: chars(2049)))]"), field: "body.richMediaPayload.items[0].mediaUrl"),
        EdgeCase(
            "card most actions", .contactCenter, edge: agentCarousel(items: "[\(card(actions: list(3, postbackAction)))]"),
            past: agentCarousel(items: "[\(card(actions: list(4, postbackAction)))]"), field: "body.richMediaPayload.items[0].actions"),
        EdgeCase(
            "card fewest actions", .contactCenter, edge: agentCarousel(items: "[\(card(actions: list(1, postbackAction)))]"),
            past: agentCarousel(items: "[\(card(actions: "[]"))]"), field: "body.richMediaPayload.items[0].actions"),
        EdgeCase(
            "card action checked", .contactCenter,
            edge: agentCarousel(items: "[\(card()),\(card(actions: #"[{"type":"link","text":"Go","uri":"u"}]"#))]"),
            past: agentCarousel(items: "[\(card()),\(card(actions: #"[{"type":"link","text":"Go"}]"#))]"),
            field: "body.richMediaPayload.items[1].actions[0].uri"),
        EdgeCase(
            "agent attachments", .contactCenter, edge: omniFile(ids: list(10, #""m""#)), past: omniFile(ids: list(11, #""m""#)),
            field: "body.richMediaPayload.attachmentIds"),
        EdgeCase(
            "agent latitude", .contactCenter, edge: omniLocation(#"{"lat":-90,"long":180}"#), past: omniLocation(#"{"lat":-91,"long":180}"#),
            field: "body.richMediaPayload.coordinates.lat"),
    ]
}

/// The rich message-body model: what each sender may send, at every limit, and how bodies are
/// rendered, stored and summarised.
struct MessageBodyTests {
    // MARK: Omni SDK customers

    @Test func everyKindAnOmniCustomerSendsIsAccepted() throws {
        #expect(try MessageBody.customer(omni: json(omniText("Hello there"))) == .text("Hello there"))
        let postback = try MessageBody.customer(omni: json(omniSelection("postback", action: #"{"type":"postback","text":"Yes","payload":"yes-1"}"#)))
        #expect(postback == .selection(MessageBody.Action(type: .postback, text: "Yes", payload: "yes-1")))
        let reply = try MessageBody.customer(
            omni: json(omniSelection("reply", action: #"{"type":"reply","text":"Tomorrow","iconUrl":"https://axp.test/i.png"}"#)))
        #expect(reply == .selection(MessageBody.Action(type: .reply, text: "Tomorrow", iconUrl: "https://axp.test/i.png")))
        let location = try MessageBody.customer(omni: json(omniLocation(#"{"lat":52.37,"long":4.89}"#)))
        #expect(
            location == .location(MessageBody.Coordinates(lat: 52.37, long: 4.89), MessageBody.Location(name: "Centraal", address: "Stationsplein 1"))
        )
        let file = try MessageBody.customer(omni: json(omniFile()))
        #expect(file == .attachment(.file, ids: ["0b8f4a4e-5b7d-4f7a-9d43-1c1c8c0f7a10"], caption: "the invoice"))
        let image = try MessageBody.customer(omni: json(omniFile("image", caption: "")))
        #expect(image.elementType == .image)
        #expect(image.text == "")
        #expect(image.attachmentIds == ["0b8f4a4e-5b7d-4f7a-9d43-1c1c8c0f7a10"])
    }

    @Test func elementTypeIsReadInAnyCaseAndKeptLowercase() throws {
        #expect(try MessageBody.customer(omni: json(#"{"elementType":"TEXT","elementText":{"text":"Hi"}}"#)).elementType == .text)
        let postback = try MessageBody.customer(omni: json(omniSelection("PostBack", action: #"{"type":"POSTBACK","payload":"p"}"#)))
        #expect(postback.elementType == .postback)
        #expect(postback.json(family: .omni).objectValue["elementType"] == "postback")
        #expect(
            try MessageBody.agent(json(#"{"elementType":"Location","richMediaPayload":{"coordinates":{"lat":1,"long":2}}}"#)).elementType == .location
        )
    }

    @Test func unknownAndUnusedFieldsAreIgnoredButWrongTypesAreNot() throws {
        let body = try MessageBody.customer(
            omni: json(
                #"{"elementType":"text","elementText":{"text":"Hi","textFormat":"PLAINTEXT","lang":"en"},"captionText":"x","#
                    + #""richMediaPayload":{"mediaUrl":"https://x","coordinates":{"lat":"north"},"actions":[{"type":"call"}]}}"#))
        #expect(body == .text("Hi"), "a text message ignores coordinates and actions, and unknown fields")
        #expect(body.richMediaPayload == nil)
        let wrong = violations { try MessageBody.customer(omni: json(#"{"elementType":"text","elementText":"Hi"}"#)) }
        #expect(wrong == [Violation(field: "body.elementText", message: "must be an object, not string", code: .invalidType)])
        let wrongNumber = violations { try MessageBody.customer(omni: json(omniLocation(#"{"lat":"52.1","long":4}"#))) }
        #expect(
            wrongNumber == [Violation(field: "body.richMediaPayload.coordinates.lat", message: "must be a number, not string", code: .invalidType)])
        let wrongArray = violations { try MessageBody.customer(omni: json(omniFile(ids: #""m-1""#))) }
        #expect(wrongArray == [Violation(field: "body.richMediaPayload.attachmentIds", message: "must be an array, not string", code: .invalidType)])
    }

    @Test func elementTextMayBeLeftOutButForText() throws {
        let location = try MessageBody.customer(omni: json(#"{"elementType":"location","richMediaPayload":{"coordinates":{"lat":1.5,"long":-2}}}"#))
        #expect(location.elementText == MessageBody.ElementText(""))
        #expect(location.richMediaPayload?.location == nil)
        let text = violations { try MessageBody.customer(omni: json(#"{"elementType":"text"}"#)) }
        #expect(text == [Violation(field: "body.elementText", message: "must not be null", code: .missingValue)])
    }

    @Test func aCustomerCarouselIsRefused() throws {
        for spelling in ["carousel", "CAROUSEL"] {
            let found = violations {
                try MessageBody.customer(omni: json(#"{"elementType":"\#(spelling)","richMediaPayload":{"items":[\#(card())]}}"#))
            }
            #expect(found.map(\.field) == ["body.elementType"])
            #expect(found.first?.message.contains("contact center") == true)
            #expect(found.first?.code == ViolationCode.invalidValue.rawValue)
        }
        let unknown = violations { try MessageBody.customer(omni: json(#"{"elementType":"video","elementText":{"text":"x"}}"#)) }
        #expect(
            unknown == [
                Violation(
                    field: "body.elementType", message: "must be one of text, image, file, postback, reply, location (any case)", code: .invalidValue)
            ])
    }

    @Test(arguments: EdgeCase.all)
    func eachLimitHoldsAtItsEdgeAndFailsOnePast(_ limit: EdgeCase) throws {
        let atEdge = try json(limit.atEdge)
        let pastEdge = try json(limit.pastEdge)
        do {
            _ = try read(limit.sender, atEdge, maxTextLength: limit.maxTextLength)
        } catch {
            Issue.record("the edge was refused: \(error.violations ?? [])")
        }
        let found = violations { try read(limit.sender, pastEdge, maxTextLength: limit.maxTextLength) }
        #expect(found.map(\.field) == [limit.field])
    }

    @Test func everyViolationIsReportedAtOnce() throws {
        let selection = violations {
            try MessageBody.customer(
                omni: json(
                    #"{"elementType":"postback","elementText":{"text":"","textFormat":"RTF"},"#
                        + #""richMediaPayload":{"selectedAction":{"type":"reply","text":"\#(chars(51))","iconUrl":7}}}"#))
        }
        #expect(
            selection == [
                Violation(field: "body.elementText.textFormat", message: "must be one of PLAINTEXT, HTML, MARKDOWN", code: .invalidValue),
                Violation(field: "body.richMediaPayload.selectedAction.type", message: "must be postback, as the elementType", code: .invalidValue),
                Violation(field: "body.richMediaPayload.selectedAction.text", message: "size must be between 0 and 50", code: .sizeOutOfRange),
                Violation(field: "body.richMediaPayload.selectedAction.payload", message: "must not be null", code: .missingValue),
                Violation(field: "body.richMediaPayload.selectedAction.iconUrl", message: "must be a string, not number", code: .invalidType),
            ])
        let location = violations {
            try MessageBody.customer(omni: json(omniLocation(#"{"lat":91,"long":"east"}"#, location: #"{"name":"\#(chars(51))","address":false}"#)))
        }
        #expect(
            location == [
                Violation(field: "body.richMediaPayload.coordinates.lat", message: "must be between -90 and 90", code: .numberOutOfRange),
                Violation(field: "body.richMediaPayload.coordinates.long", message: "must be a number, not string", code: .invalidType),
                Violation(field: "body.richMediaPayload.location.name", message: "size must be between 0 and 50", code: .sizeOutOfRange),
                Violation(field: "body.richMediaPayload.location.address", message: "must be a string, not boolean", code: .invalidType),
            ])
        let carousel = violations {
            try MessageBody.agent(
                json(
                    agentCarousel(
                        items: "[\(card(title: "")),"
                            + #"{"title":"B","actions":[{"type":"call","text":"x"},{"type":"link","text":"\#(chars(51))"}]},"#
                            + #""not a card"]"#)))
        }
        #expect(
            carousel.map(\.field) == [
                "body.richMediaPayload.items[0].title",
                "body.richMediaPayload.items[1].actions[0].type",
                "body.richMediaPayload.items[1].actions[1].text",
                "body.richMediaPayload.items[1].actions[1].uri",
                "body.richMediaPayload.items[2]",
            ])
        let unknownType = violations { try MessageBody.agent(json(#"{"elementType":"sticker","elementText":{"text":"\#(chars(4097))"}}"#)) }
        #expect(unknownType.map(\.field) == ["body.elementType", "body.elementText.text"], "with an unknown type the rest is still checked")
    }

    @Test func actionTypesAreMatchedInAnyCaseAndKeptCanonical() throws {
        let body = try MessageBody.agent(
            json(
                agentText(
                    actions: #"[{"type":"LOCATIONREQUEST"},{"type":"locationrequest","text":"Share"},{"type":"Reply","text":"No"},"#
                        + #"{"type":"LINK","text":"Map","uri":"https://axp.test/map"},{"type":"PostBack","text":"Call me","payload":"call"}]"#)))
        #expect(body.actions.map(\.type) == [.locationRequest, .locationRequest, .reply, .link, .postback])
        let rendered = body.json(family: .omni).objectValue["richMediaPayload"]?.objectValue["actions"]?.arrayValue ?? []
        #expect(rendered.map { $0.objectValue["type"] } == ["locationRequest", "locationRequest", "reply", "link", "postback"])
        let reply = try MessageBody.customer(omni: json(omniSelection("reply", action: #"{"type":"REPLY","text":"Yes"}"#)))
        #expect(reply.richMediaPayload?.selectedAction?.type == .reply)
        let unknown = violations { try MessageBody.agent(json(agentText(actions: #"[{"type":"call","text":"x"}]"#))) }
        #expect(
            unknown == [
                Violation(
                    field: "body.richMediaPayload.actions[0].type", message: "must be one of postback, reply, link, locationRequest (any case)",
                    code: .invalidValue)
            ])
    }

    // MARK: The contact center

    @Test func everyKindTheContactCenterSendsIsAccepted() throws {
        let text = try MessageBody.agent(
            json(agentText(actions: #"[{"type":"locationRequest","text":"Send location"},{"type":"reply","text":"Later","payload":"later"}]"#)))
        #expect(
            text
                == .text(
                    "Where are you?",
                    actions: [
                        MessageBody.Action(type: .locationRequest, text: "Send location"),
                        MessageBody.Action(type: .reply, text: "Later", payload: "later"),
                    ]
                ))
        let carousel = try MessageBody.agent(
            json(agentCarousel(items: "[\(card()),\(#"{"title":"Suite","actions":[{"type":"link","text":"See","uri":"https://axp.test/suite"}]}"#)]"))
        )
        #expect(carousel.richMediaPayload?.items.count == 2)
        #expect(
            carousel.richMediaPayload?.items[0]
                == MessageBody.CarouselItem(
                    title: "Double room", description: "Two beds", mediaUrl: "https://axp.test/room.jpg",
                    actions: [MessageBody.Action(type: .postback, text: "Book", payload: "book-1")]))
        #expect(carousel.richMediaPayload?.items[1].description == nil)
        let html = try MessageBody.agent(json(#"{"elementType":"text","elementText":{"text":"<b>Hi</b>","textFormat":"HTML"}}"#))
        #expect(html == .text("<b>Hi</b>", format: .html))
        let postback = try MessageBody.agent(
            json(
                #"{"elementType":"postback","elementText":{"text":"Which?"},"richMediaPayload":{"actions":[\#(postbackAction),{"type":"postback","text":"Skip","payload":""}]}}"#
            ))
        #expect(postback.actions.count == 2)
        let reply = try MessageBody.agent(
            json(
                #"{"elementType":"reply","elementText":{"text":""},"richMediaPayload":{"actions":[{"type":"reply","text":"Yes"},{"type":"locationRequest"}]}}"#
            ))
        #expect(reply.actions.map(\.type) == [.reply, .locationRequest])
        #expect(try MessageBody.agent(json(omniLocation(#"{"lat":52.37,"long":4.89}"#))).richMediaPayload?.coordinates?.lat == 52.37)
        #expect(try MessageBody.agent(json(omniFile("image", ids: #"["m-1","m-2"]"#))).attachmentIds == ["m-1", "m-2"])
    }

    // MARK: The Chat SDK reader: exactly the old behaviour

    @Test func chatSDKSendMessageAnswersAsBefore() throws {
        let plain = try SDKRequests.sendMessage(
            json(#"{"sessionId":"s-1","dialogId":"d-1","body":{"elementType":"TEXT","elementText":{"text":"Hi"}}}"#).objectValue, maxTextLength: 10)
        #expect(plain.sessionId == "s-1")
        #expect(plain.dialogId == "d-1")
        #expect(plain.text == "Hi")
        #expect(plain.body == .object(["elementType": "TEXT", "elementText": .object(["text": "Hi", "textFormat": "PLAINTEXT"])]))
        let html = try SDKRequests.sendMessage(
            json(
                #"{"sessionId":"s","body":{"elementType":"TEXT","elementText":{"text":"<i>x</i>","textFormat":"HTML"},"richMediaPayload":{"actions":[]}},"x":1}"#
            )
            .objectValue, maxTextLength: 10)
        #expect(html.body == .object(["elementType": "TEXT", "elementText": .object(["text": "<i>x</i>", "textFormat": "HTML"])]))
        #expect(html.messageBody == .text("<i>x</i>", format: .html))

        func refused(_ text: String) throws -> [Violation] {
            do {
                _ = try SDKRequests.sendMessage(try json(text).objectValue, maxTextLength: 10)
                Issue.record("accepted: \(text)")
                return []
            } catch {
                return error.violations ?? []
            }
        }
        #expect(
            try refused(#"{"body":{"elementType":"text","elementText":{"text":"","textFormat":"RTF"}}}"#) == [
                Violation(field: "sessionId", message: "must not be null", code: .missingValue),
                Violation(field: "body.elementType", message: "must be one of TEXT", code: .invalidValue),
                Violation(field: "body.elementText.text", message: "size must be between 1 and 10", code: .sizeOutOfRange),
                Violation(field: "body.elementText.textFormat", message: "must be one of PLAINTEXT, HTML, MARKDOWN", code: .invalidValue),
            ])
        #expect(
            try refused(#"{"sessionId":"s","body":{"elementType":"TEXT","elementText":{"text":"\#(chars(11))"}}}"#) == [
                Violation(field: "body.elementText.text", message: "size must be between 1 and 10", code: .sizeOutOfRange)
            ])
        #expect(
            try refused(#"{"sessionId":"s","body":"hello"}"#) == [
                Violation(field: "body", message: "must be an object, not string", code: .invalidType)
            ])
        #expect(try refused(#"{"sessionId":"s"}"#) == [Violation(field: "body", message: "must not be null", code: .missingValue)])
        #expect(
            try refused(#"{"sessionId":"s","body":{"elementType":"IMAGE"}}"#) == [
                Violation(field: "body.elementType", message: "must be one of TEXT", code: .invalidValue),
                Violation(field: "body.elementText", message: "must not be null", code: .missingValue),
            ])
        #expect(
            try refused(#"{"sessionId":"s","body":{"elementType":"TEXT","elementText":{"text":3}}}"#) == [
                Violation(field: "body.elementText.text", message: "must be a string, not number", code: .invalidType)
            ])
    }

    @Test func theChatSDKReaderAcceptsOnlyTEXT() throws {
        #expect(
            try MessageBody.customer(chatSDK: json(#"{"elementType":"TEXT","elementText":{"text":" "}}"#)) == .text(" "),
            "blank text was always allowed")
        let lower = violations { try MessageBody.customer(chatSDK: json(omniText("Hi"))) }
        #expect(lower == [Violation(field: "body.elementType", message: "must be one of TEXT", code: .invalidValue)])
        let postback = violations {
            try MessageBody.customer(chatSDK: json(omniSelection("postback", action: #"{"type":"postback","payload":"p"}"#)))
        }
        #expect(postback.map(\.field) == ["body.elementType", "body.elementText.text"])
        let null = violations { try MessageBody.customer(chatSDK: .null) }
        #expect(null == [Violation(field: "body", message: "must not be null", code: .missingValue)])
    }

    // MARK: Rendering and storing

    @Test func eachFamilyReadsItsOwnRendering() throws {
        let text = MessageBody.text("Hello")
        #expect(text.json(family: .omni) == .object(["elementType": "text", "elementText": .object(["text": "Hello", "textFormat": "PLAINTEXT"])]))
        #expect(
            text.json(family: .chat) == .object(["elementType": "TEXT", "elementText": .object(["text": "Hello", "textFormat": "PLAINTEXT"])]))
        #expect(ChatMessage.textBody("Hello") == text.json(family: .chat), "the legacy helper is unchanged")

        let postback = MessageBody.selection(MessageBody.Action(type: .postback, text: "Yes", payload: "y"))
        let expected = JSONValue.object([
            "elementType": "postback", "elementText": .object(["text": "", "textFormat": "PLAINTEXT"]),
            "richMediaPayload": .object(["selectedAction": .object(["type": "postback", "text": "Yes", "payload": "y"])]),
        ])
        #expect(postback.json(family: .omni) == expected)
        #expect(postback.json(family: .chat) == expected, "rich kinds stay lowercase for the Chat SDK too")

        let carousel = MessageBody.carousel(
            [
                MessageBody.CarouselItem(
                    title: "Room", mediaUrl: "https://axp.test/r.jpg",
                    actions: [MessageBody.Action(type: .link, text: "See", uri: "https://axp.test/r")])
            ],
            text: "Rooms")
        #expect(
            carousel.json(family: .omni)
                == .object([
                    "elementType": "carousel", "elementText": .object(["text": "Rooms", "textFormat": "PLAINTEXT"]),
                    "richMediaPayload": .object([
                        "items": .array([
                            .object([
                                "title": "Room", "mediaUrl": "https://axp.test/r.jpg",
                                "actions": .array([.object(["type": "link", "text": "See", "uri": "https://axp.test/r"])]),
                            ])
                        ])
                    ]),
                ]))
        let location = MessageBody.location(MessageBody.Coordinates(lat: 52.37, long: 4.89), MessageBody.Location(name: "Home"))
        #expect(
            location.json(family: .omni).objectValue["richMediaPayload"]
                == .object(["coordinates": .object(["lat": .double(52.37), "long": .double(4.89)]), "location": .object(["name": "Home"])]))
        #expect(MessageBody.text("x", actions: []).json(family: .omni).objectValue["richMediaPayload"] == nil, "no empty richMediaPayload")
    }

    static let samples: [MessageBody] = [
        .text("Hello"),
        .text("<p>Hi</p>", format: .html),
        .text(
            "Where?", actions: [MessageBody.Action(type: .locationRequest), MessageBody.Action(type: .reply, text: "Later", iconUrl: "https://i")]),
        .selection(MessageBody.Action(type: .postback, text: "Yes", payload: "y")),
        .selection(MessageBody.Action(type: .reply, text: "No"), text: "No"),
        .location(MessageBody.Coordinates(lat: -33.8688, long: 151.2093), MessageBody.Location(name: "Opera", address: "Bennelong Point")),
        .location(MessageBody.Coordinates(lat: 52, long: 5)),
        .attachment(.file, ids: ["m-1"], caption: "invoice"),
        .attachment(.image, ids: ["m-1", "m-2"]),
        .carousel(
            [
                MessageBody.CarouselItem(
                    title: "A", description: "first", mediaUrl: "https://m/a.jpg",
                    actions: [MessageBody.Action(type: .postback, text: "Pick", payload: "a")]),
                MessageBody.CarouselItem(title: "B", actions: [MessageBody.Action(type: .link, text: "Go", uri: "https://b")]),
            ], text: "Choose"),
    ]

    @Test(arguments: MessageBodyTests.samples)
    func theStoredFormReadsBackTheSameBody(_ body: MessageBody) throws {
        #expect(MessageBody(stored: body.stored) == body)
        // Through the database's text, as the store keeps it.
        let text = String(decoding: body.stored.jsonData, as: UTF8.self)
        #expect(MessageBody(stored: JSONValue.stored(text)) == body)
        #expect(MessageBody(stored: body.json(family: .chat)) == body, "a Chat SDK rendering reads back too")
        #expect(body.stored == body.json(family: .omni))
    }

    @Test func legacyAndDamagedStoredBodiesStillRead() throws {
        let legacy = try json(#"{"elementType":"TEXT","elementText":{"text":"Hi there","textFormat":"PLAINTEXT"}}"#)
        #expect(MessageBody(stored: legacy) == .text("Hi there"))
        #expect(MessageBody(stored: legacy).stored == MessageBody.text("Hi there").json(family: .omni))
        #expect(
            MessageBody(stored: try json(#"{"elementType":"TEXT","elementText":{"text":"x","textFormat":"markdown"}}"#))
                == .text("x", format: .markdown))
        #expect(MessageBody(stored: .null) == .text(""))
        #expect(MessageBody(stored: "not a body") == .text(""))
        #expect(MessageBody(stored: try json(#"{"elementType":"hologram","elementText":{"text":"?"}}"#)) == .text("?"))
        let damaged = MessageBody(
            stored: try json(
                #"{"elementType":"text","richMediaPayload":{"actions":[{"type":"dance"},{"type":"REPLY","text":"ok"}],"coordinates":{"lat":1}}}"#))
        #expect(damaged == .text("", actions: [MessageBody.Action(type: .reply, text: "ok")]))
        let message = ChatMessage(
            messageId: "m", engagementId: "e", dialogId: "d", messageIndex: 1, parentMessageId: nil, participantId: "p", participantType: .customer,
            displayName: "C", body: legacy, receivedAt: Date(timeIntervalSince1970: 0), senderSessionId: nil)
        #expect(message.text == "Hi there")
        #expect(message.messageBody == .text("Hi there"))
        #expect(ChatMessage.text(of: MessageBody.attachment(.file, ids: ["m"], caption: "cap").stored) == "cap")
        #expect(ChatMessage.text(of: .object([:])) == nil)
    }

    @Test func summariesAreOneLine() {
        #expect(MessageBody.text("Hello\nworld").summary == "Hello world")
        #expect(
            MessageBody.text("Where?", actions: [MessageBody.Action(type: .locationRequest), MessageBody.Action(type: .reply, text: "Later")]).summary
                == "Where? [locationRequest | Later]")
        #expect(MessageBody.selection(MessageBody.Action(type: .postback, text: "Yes", payload: "y")).summary == "[postback] Yes")
        #expect(MessageBody.selection(MessageBody.Action(type: .postback, payload: "y")).summary == "[postback] y")
        #expect(MessageBody.selection(MessageBody.Action(type: .reply, text: "")).summary == "[reply] ")
        #expect(MessageBody.location(MessageBody.Coordinates(lat: 52.37, long: 4.89)).summary == "[location] 52.37,4.89")
        #expect(
            MessageBody.location(MessageBody.Coordinates(lat: 52, long: -4.5), MessageBody.Location(name: "Home")).summary
                == "[location] 52,-4.5 Home")
        #expect(MessageBody.attachment(.file, ids: ["m-1"], caption: "the\ninvoice").summary == "[file] the invoice")
        #expect(MessageBody.attachment(.image, ids: ["m-1", "m-2"]).summary == "[image] m-1, m-2")
        let card = MessageBody.CarouselItem(title: "A", actions: [MessageBody.Action(type: .postback, text: "a", payload: "a")])
        #expect(MessageBody.carousel([card, card, card]).summary == "[carousel] 3 items")
        #expect(MessageBody.carousel([card]).summary == "[carousel] 1 item")
        let offer = MessageBody(
            elementType: .reply, elementText: MessageBody.ElementText("Pick"),
            richMediaPayload: MessageBody.RichMediaPayload(actions: [
                MessageBody.Action(type: .reply, text: "A"), MessageBody.Action(type: .reply, text: "B"),
            ]))
        #expect(offer.summary == "[reply] Pick [A | B]")
    }

    // MARK: Schemas

    @Test func eachReaderRecordsTheSchemaOfWhatItReads() throws {
        let omni = MessageBody.schema(of: .omniCustomer)
        let properties = omni.json["properties"]?.objectValue ?? [:]
        #expect(omni.json["required"] == .array(["elementType"]))
        #expect(omni.json["additionalProperties"] == nil, "unknown fields are tolerated")
        #expect(omni.json["description"]?.stringValue?.contains("selectedAction required") == true)
        let typePattern = try #require(properties["elementType"]?.objectValue["pattern"]?.stringValue)
        let regex = try NSRegularExpression(pattern: typePattern)
        for (sample, matches) in [("text", true), ("TEXT", true), ("Location", true), ("carousel", false), ("texts", false), ("", false)] {
            let found = regex.firstMatch(in: sample, range: NSRange(sample.startIndex..., in: sample)) != nil
            #expect(found == matches, "\(sample)")
        }
        let payload = properties["richMediaPayload"]?.objectValue["properties"]?.objectValue ?? [:]
        #expect(Set(payload.keys) == ["selectedAction", "coordinates", "location", "attachmentIds"])
        #expect(
            payload["attachmentIds"]
                == .object([
                    "type": .array(["array", "null"]), "minItems": .int(1), "maxItems": .int(1),
                    "items": .object(["type": "string", "minLength": .int(1), "maxLength": .int(256)]),
                ]))
        let coordinates = payload["coordinates"]?.objectValue ?? [:]
        #expect(
            coordinates["properties"]?.objectValue["lat"]
                == .object(["type": "number", "minimum": .double(-90), "maximum": .double(90)]))

        let agent = MessageBody.schema(of: .contactCenter)
        let agentPayload =
            agent.json["properties"]?.objectValue["richMediaPayload"]?.objectValue["properties"]?.objectValue ?? [:]
        #expect(Set(agentPayload.keys) == ["actions", "items", "coordinates", "location", "attachmentIds"])
        let items = agentPayload["items"]?.objectValue ?? [:]
        #expect(items["maxItems"] == .int(10))
        #expect(items["minItems"] == .int(1))
        let card = items["items"]?.objectValue ?? [:]
        #expect(card["required"] == .array(["actions", "title"]))
        #expect(card["properties"]?.objectValue["actions"]?.objectValue["maxItems"] == .int(3))

        let chatSDK = MessageBody.schema(of: .chatSDKCustomer, maxTextLength: 99)
        #expect(chatSDK.json["required"] == .array(["elementText", "elementType"]))
        #expect(chatSDK.json["properties"]?.objectValue["elementType"] == .object(["type": "string", "enum": .array(["TEXT"])]))
        let sendMessage = FieldReader.schema { try SDKRequests.sendMessage($0, maxTextLength: 99) }
        #expect(sendMessage.json["properties"]?.objectValue["body"] == .object(chatSDK.json), "sendMessage records the Chat SDK body")
    }

    @Test func aBodyInsideALargerRequestReportsWithTheOtherFields() throws {
        var reader = FieldReader(try json(#"{"sessionId":5,"message":{"elementType":"file","richMediaPayload":{"attachmentIds":[]}}}"#).objectValue)
        _ = reader.string("sessionId")
        let body = reader.messageBody("message", from: .omniCustomer)
        #expect(body == nil)
        #expect(reader.violations.map(\.field) == ["sessionId", "message.richMediaPayload.attachmentIds"])
        let scenario = violations { try MessageBody.agent(json(#"{"elementType":"text"}"#), field: "steps[2].body") }
        #expect(scenario.map(\.field) == ["steps[2].body.elementText"])
    }
}
