import Foundation

/// Validating what each sender may send. Every reader reports all violations of a body at once
/// (400 `constraint_violation`), with fields under the body's own path
/// (`body.richMediaPayload.selectedAction.text`). Unknown fields are ignored, as the platform
/// does, and so are known fields that the element type does not use (a customer's `text` message
/// with `coordinates`); a wrong JSON type of a field that is read is a violation.
extension MessageBody {
    /// Who sends a body, which decides what it may hold.
    public enum Sender: String, Sendable, Equatable, CaseIterable {
        /// A customer on the Omni SDK (OMNI-SDK.md 4.1): `text`, `postback`, `reply`, `location`,
        /// `file`, `image` (any letter case); never `carousel`, never `actions`.
        case omniCustomer
        /// A customer on the Chat SDK: `TEXT` only, exactly as spelled.
        case chatSDKCustomer
        /// The contact center (control plane, scenarios, console): every kind, with actions and carousels.
        case contactCenter
    }

    /// A body sent by an Omni SDK customer (OMNI-SDK.md 4.1):
    /// - `text`: `elementText.text` 1…`maxTextLength` characters, not blank;
    /// - `postback` / `reply`: `elementText.text` may be `""`; `richMediaPayload.selectedAction`
    ///   `{type (= the element type), text? ≤50, payload ≤512 (required for postback), iconUrl? ≤2048}`;
    /// - `location`: `richMediaPayload.coordinates{lat −90…90, long −180…180}` required,
    ///   `location{name? ≤50, address? ≤512}`;
    /// - `file` / `image`: `elementText.text` is the caption (0…4096), `richMediaPayload.attachmentIds`
    ///   exactly one non-empty id.
    ///
    /// `elementType` is matched in any letter case and kept lowercase; `carousel` is refused.
    /// `elementText` may be left out but for `text` (then `""`); `textFormat` is optional
    /// (PLAINTEXT, HTML or MARKDOWN, default PLAINTEXT).
    public static func customer(omni body: JSONValue, maxTextLength: Int = Limits.defaultTextLength, field: String = "body") throws(AXPSimError)
        -> MessageBody
    {
        try read(body, from: .omniCustomer, maxTextLength: maxTextLength, field: field)
    }

    /// A body sent by a Chat SDK customer: `{"elementType":"TEXT","elementText":{"text","textFormat"?}}`,
    /// `TEXT` spelled exactly so, text 1…`maxTextLength` characters, `textFormat` one of PLAINTEXT,
    /// HTML, MARKDOWN (default PLAINTEXT). These are the rules, fields and messages the Chat SDK
    /// route has always had.
    public static func customer(chatSDK body: JSONValue, maxTextLength: Int = Limits.defaultTextLength, field: String = "body")
        throws(AXPSimError) -> MessageBody
    {
        try read(body, from: .chatSDKCustomer, maxTextLength: maxTextLength, field: field)
    }

    /// A body sent by the contact center (control plane, scenarios, console); every kind:
    /// - `text`: text 1…`maxTextLength`, not blank; `richMediaPayload.actions` 0…10 (buttons, quick
    ///   replies, a `locationRequest`);
    /// - `postback` / `reply`: text 0…`maxTextLength` (the prompt), `actions` 1…10 required;
    /// - `carousel`: text 0…`maxTextLength`, `items` 1…10, each `{title 1…80, description? ≤512,
    ///   mediaUrl? ≤2048, actions 1…3}`;
    /// - `location`: as from a customer;
    /// - `file` / `image`: caption 0…4096, `attachmentIds` 1…10 non-empty ids.
    ///
    /// Every action: `type` (postback, reply, link, locationRequest; any case), `text` 1…50 (required
    /// but for locationRequest, where it is optional), `payload` ≤512 (required for postback), `uri`
    /// 1…2048 (required for link), `iconUrl` ≤2048.
    public static func agent(_ body: JSONValue, maxTextLength: Int = Limits.defaultTextLength, field: String = "body") throws(AXPSimError)
        -> MessageBody
    {
        try read(body, from: .contactCenter, maxTextLength: maxTextLength, field: field)
    }

    /// The JSON Schema of the bodies `sender` may send, recorded from the reader itself. Rules that
    /// depend on `elementType` are in the schema's `description`.
    public static func schema(of sender: Sender, maxTextLength: Int = Limits.defaultTextLength) -> JSONSchema {
        FieldReader.schema { object in
            var reader = FieldReader(object)
            let body = fields(&reader, from: sender, maxTextLength: maxTextLength)
            try reader.check()
            return body
        }
    }

    private static func read(_ value: JSONValue, from sender: Sender, maxTextLength: Int, field: String) throws(AXPSimError) -> MessageBody {
        var reader = FieldReader([field: value])
        let body = reader.messageBody(field, from: sender, maxTextLength: maxTextLength)
        try reader.check()
        guard let body else {
            // Unreachable: a reader answers nil only with a violation. Kept so that nothing passes unread.
            throw .constraintViolation([Violation(field: field, message: "is not a message body", code: .invalidValue)])
        }
        return body
    }

    /// Reads the fields of a body from `reader`, positioned at the body object.
    static func fields(_ reader: inout FieldReader, from sender: Sender, maxTextLength: Int) -> MessageBody? {
        switch sender {
        case .chatSDKCustomer: chatSDKFields(&reader, maxTextLength: maxTextLength)
        case .omniCustomer: richFields(&reader, customer: true, maxTextLength: maxTextLength)
        case .contactCenter: richFields(&reader, customer: false, maxTextLength: maxTextLength)
        }
    }

    // MARK: Chat SDK

    private static func chatSDKFields(_ body: inout FieldReader, maxTextLength: Int) -> MessageBody? {
        let elementType = body.string("elementType", required: true, oneOf: ["TEXT"])
        let element = body.object("elementText", required: true) { element -> ElementText? in
            let text = element.string("text", required: true, length: 1...maxTextLength)
            let format = element.string("textFormat", oneOf: TextFormat.allCases.map(\.rawValue)).flatMap(TextFormat.init(rawValue:))
            return text.map { ElementText($0, format: format ?? .plainText) }
        }
        guard elementType != nil, let element else { return nil }
        return MessageBody(elementType: .text, elementText: element)
    }

    // MARK: Omni customers and the contact center

    private static func richFields(_ body: inout FieldReader, customer: Bool, maxTextLength: Int) -> MessageBody? {
        body.describe(
            customer
                ? "A customer's message (Omni SDK). text: elementText.text required, not blank. postback, reply: "
                    + "richMediaPayload.selectedAction required, its type equal to elementType, payload required for postback. "
                    + "location: richMediaPayload.coordinates required. file, image: elementText.text is the caption (at most "
                    + "\(Limits.caption.upperBound)), richMediaPayload.attachmentIds holds exactly one id. Fields an element type "
                    + "does not use are ignored."
                : "A contact center's message. text: elementText.text required, not blank; richMediaPayload.actions optional. "
                    + "postback, reply: richMediaPayload.actions required (at least one). carousel: richMediaPayload.items required. "
                    + "location: richMediaPayload.coordinates required. file, image: elementText.text is the caption (at most "
                    + "\(Limits.caption.upperBound)), richMediaPayload.attachmentIds required. Actions need text (but "
                    + "locationRequest), postback actions a payload, link actions a uri. Fields an element type does not use are ignored."
        )
        let type = elementType(&body, customer: customer)
        let textLength: ClosedRange<Int> =
            switch type {
            case .text?: 1...maxTextLength
            case .image?, .file?: Limits.caption
            case nil: 0...max(maxTextLength, Limits.caption.upperBound)
            default: 0...maxTextLength
            }
        let elementText = body.object("elementText", required: type == .text) { element -> ElementText? in
            let text = element.string("text", required: true, length: textLength)
            if type == .text, let text, text.allSatisfy(\.isWhitespace) {
                element.fail("text", "must not be blank", .invalidValue)
            }
            let format = element.string("textFormat", oneOf: TextFormat.allCases.map(\.rawValue)).flatMap(TextFormat.init(rawValue:))
            return text.map { ElementText($0, format: format ?? .plainText) }
        }
        let needsPayload: Bool =
            switch type {
            case .text?, nil: false
            case .postback?, .reply?, .location?, .image?, .file?, .carousel?: true
            }
        let payload = body.object("richMediaPayload", required: needsPayload) { payload -> RichMediaPayload? in
            customer ? customerPayload(&payload, type: type) : agentPayload(&payload, type: type)
        }
        guard let type else { return nil }
        return MessageBody(elementType: type, elementText: elementText ?? ElementText(""), richMediaPayload: payload)
    }

    /// `elementType`, any case; a customer's `carousel` gets a violation of its own.
    private static func elementType(_ body: inout FieldReader, customer: Bool) -> ElementType? {
        if customer, body.object["elementType"]?.stringValue?.lowercased() == ElementType.carousel.rawValue {
            body.fail("elementType", "carousel is sent by the contact center only, never by a customer", .invalidValue)
            return nil
        }
        let allowed = ElementType.allCases.filter { !customer || $0 != .carousel }
        return body.keyword("elementType", required: true, oneOf: allowed.map(\.rawValue)).flatMap(ElementType.init(rawValue:))
    }

    /// True when the payload field serving `kinds` is read for `type`: always while the type is
    /// unknown (recording a schema, or a wrong `elementType`), so every field is checked.
    private static func uses(_ type: ElementType?, _ kinds: Set<ElementType>) -> Bool {
        type.map(kinds.contains) ?? true
    }

    private static func customerPayload(_ payload: inout FieldReader, type: ElementType?) -> RichMediaPayload? {
        var result = RichMediaPayload()
        if uses(type, [.postback, .reply]) {
            let selected = payload.object("selectedAction", required: type == .postback || type == .reply) { action in
                selectedAction(&action, elementType: type)
            }
            result.selectedAction = selected
        }
        readPlaceAndFiles(&payload, into: &result, type: type, attachments: Limits.customerAttachments)
        return result
    }

    private static func agentPayload(_ payload: inout FieldReader, type: ElementType?) -> RichMediaPayload? {
        var result = RichMediaPayload()
        if uses(type, [.text, .postback, .reply]) {
            let required = type == .postback || type == .reply
            let count = required ? 1...Limits.actions.upperBound : Limits.actions
            result.actions = payload.objects("actions", required: required, count: count) { action(&$0) } ?? []
        }
        if uses(type, [.carousel]) {
            result.items = payload.objects("items", required: type == .carousel, count: Limits.carouselItems) { carouselItem(&$0) } ?? []
        }
        readPlaceAndFiles(&payload, into: &result, type: type, attachments: Limits.agentAttachments)
        return result
    }

    /// What both senders' payloads read alike: `coordinates` and `location` (location messages),
    /// `attachmentIds` (image and file messages, `attachments` of them).
    private static func readPlaceAndFiles(
        _ payload: inout FieldReader, into result: inout RichMediaPayload, type: ElementType?, attachments: ClosedRange<Int>
    ) {
        if uses(type, [.location]) {
            result.coordinates = coordinates(&payload, required: type == .location)
            result.location = location(&payload)
        }
        if uses(type, [.image, .file]) {
            let required = type == .image || type == .file
            result.attachmentIds = payload.strings("attachmentIds", required: required, count: attachments, length: Limits.attachmentId) ?? []
        }
    }

    /// A customer's `selectedAction`: its type must be the element type (postback or reply).
    private static func selectedAction(_ action: inout FieldReader, elementType: ElementType?) -> Action? {
        let type = action.keyword("type", required: true, oneOf: [ActionType.postback.rawValue, ActionType.reply.rawValue])
            .flatMap(ActionType.init(rawValue:))
        if let type, let elementType, type.rawValue != elementType.rawValue {
            action.fail("type", "must be \(elementType.rawValue), as the elementType", .invalidValue)
        }
        let text = action.string("text", length: Limits.actionText)
        let payload = action.string("payload", required: elementType == .postback, length: Limits.payload)
        let iconUrl = action.string("iconUrl", length: Limits.url)
        return type.map { Action(type: $0, text: text, payload: payload, iconUrl: iconUrl) }
    }

    /// An action offered by the contact center.
    private static func action(_ action: inout FieldReader) -> Action? {
        let type = action.keyword("type", required: true, oneOf: ActionType.allCases.map(\.rawValue)).flatMap(ActionType.init(rawValue:))
        let needsText = type != nil && type != .locationRequest
        let text = action.string("text", required: needsText, length: needsText ? 1...Limits.actionText.upperBound : Limits.actionText)
        let payload = action.string("payload", required: type == .postback, length: Limits.payload)
        let iconUrl = action.string("iconUrl", length: Limits.url)
        let uri = action.string("uri", required: type == .link, length: type == .link ? 1...Limits.url.upperBound : Limits.url)
        return type.map { Action(type: $0, text: text, payload: payload, iconUrl: iconUrl, uri: uri) }
    }

    private static func carouselItem(_ item: inout FieldReader) -> CarouselItem? {
        let title = item.string("title", required: true, length: Limits.itemTitle)
        let description = item.string("description", length: Limits.itemDescription)
        let mediaUrl = item.string("mediaUrl", length: Limits.url)
        let actions = item.objects("actions", required: true, count: Limits.itemActions) { action(&$0) }
        guard let title, let actions else { return nil }
        return CarouselItem(title: title, description: description, mediaUrl: mediaUrl, actions: actions)
    }

    private static func coordinates(_ payload: inout FieldReader, required: Bool) -> Coordinates? {
        payload.object("coordinates", required: required) { point -> Coordinates? in
            let lat = point.number("lat", required: true, range: Limits.latitude)
            let long = point.number("long", required: true, range: Limits.longitude)
            guard let lat, let long else { return nil }
            return Coordinates(lat: lat, long: long)
        }
    }

    private static func location(_ payload: inout FieldReader) -> Location? {
        payload.object("location") { place -> Location? in
            let name = place.string("name", length: Limits.locationName)
            let address = place.string("address", length: Limits.locationAddress)
            return name == nil && address == nil ? nil : Location(name: name, address: address)
        }
    }
}

extension FieldReader {
    /// A message body in `field`, read with the rules of `sender` (see ``MessageBody/customer(omni:maxTextLength:field:)``,
    /// ``MessageBody/customer(chatSDK:maxTextLength:field:)``, ``MessageBody/agent(_:maxTextLength:field:)``);
    /// its violations are reported under `field.`, its schema recorded as any nested object's.
    public mutating func messageBody(
        _ field: String, required: Bool = true, from sender: MessageBody.Sender, maxTextLength: Int = MessageBody.Limits.defaultTextLength
    ) -> MessageBody? {
        object(field, required: required) { body in MessageBody.fields(&body, from: sender, maxTextLength: maxTextLength) }
    }
}
