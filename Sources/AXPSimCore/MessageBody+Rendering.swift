import Foundation

/// Writing a body for each client family and for the database, reading it back, and describing
/// it in one line.
extension MessageBody {
    /// The body as `family` reads it: `{elementType, elementText{text, textFormat}, richMediaPayload?}`.
    ///
    /// - `.omni`: `elementType` lowercase (`text`, `image`, …), as the Omni SDK requires.
    /// - `.chat`: a text message is `TEXT`, the only element type the Chat SDK reads; other kinds
    ///   keep the platform's lowercase spelling (the Chat SDK has no rendering for them either way,
    ///   and lowercase is what the platform itself sends for rich messages).
    ///
    /// `elementText` is always present (the Omni SDK throws on a body without it) with its
    /// `textFormat`; `richMediaPayload` only when it holds something, and in it only the fields
    /// present (empty arrays and absent optionals are left out).
    public func json(family: ClientFamily) -> JSONValue {
        var body: [String: JSONValue] = [
            "elementType": .string(family == .chat && elementType == .text ? "TEXT" : elementType.rawValue),
            "elementText": .object(["text": .string(elementText.text), "textFormat": .string(elementText.textFormat.rawValue)]),
        ]
        if let payload = richMediaPayload, !payload.isEmpty {
            body["richMediaPayload"] = payload.json
        }
        return .object(body)
    }

    /// The form axpsim stores: the Omni rendering (lowercase `elementType`). ``init(stored:)``
    /// reads it back, and also reads what older versions stored (`TEXT` bodies).
    public var stored: JSONValue { json(family: .omni) }

    /// Reads a stored body. It never fails: it accepts the ``stored`` form, the legacy
    /// `{"elementType":"TEXT","elementText":{…}}` rows, any rendering of ``json(family:)``, and
    /// makes the best of anything else (an unknown `elementType` reads as `text`, a missing text
    /// as `""`, an unknown `textFormat` as PLAINTEXT, actions of an unknown type are dropped).
    public init(stored: JSONValue) {
        let body = stored.objectValue
        let typeName = body["elementType"]?.stringValue?.lowercased() ?? ""
        let element = body["elementText"]?.objectValue ?? [:]
        let format = element["textFormat"]?.stringValue.flatMap { TextFormat(rawValue: $0.uppercased()) } ?? .plainText
        self.init(
            elementType: ElementType(rawValue: typeName) ?? .text,
            elementText: ElementText(element["text"]?.stringValue ?? "", format: format),
            richMediaPayload: body["richMediaPayload"].map(RichMediaPayload.init(stored:)))
    }

    /// One line for logs and transcripts: the text of a text message (with its actions' labels),
    /// `[postback] Yes`, `[location] 52.37,4.89 Central Station`, `[file] caption` (or the ids
    /// when there is no caption), `[carousel] 3 items`.
    public var summary: String {
        let text = Self.oneLine(elementText.text)
        let labels = actions.isEmpty ? "" : " [" + actions.map(\.label).joined(separator: " | ") + "]"
        switch elementType {
        case .text:
            return text + labels
        case .postback, .reply:
            if let selected = richMediaPayload?.selectedAction {
                let choice = [selected.text, selected.payload, text].compactMap { $0 }.first { !$0.isEmpty } ?? ""
                return "[\(elementType.rawValue)] \(Self.oneLine(choice))"
            }
            return "[\(elementType.rawValue)] \(text)\(labels)"
        case .location:
            let point = richMediaPayload?.coordinates.map { "\(FieldReader.decimal($0.lat)),\(FieldReader.decimal($0.long))" } ?? "?"
            let place = [richMediaPayload?.location?.name, richMediaPayload?.location?.address].compactMap { $0 }.filter { !$0.isEmpty }
            return (["[location] \(point)"] + place.map(Self.oneLine)).joined(separator: " ")
        case .image, .file:
            let shown = text.isEmpty ? attachmentIds.joined(separator: ", ") : text
            return "[\(elementType.rawValue)] \(shown)"
        case .carousel:
            let count = richMediaPayload?.items.count ?? 0
            return "[carousel] \(count) \(count == 1 ? "item" : "items")"
        }
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

extension MessageBody.Action {
    /// What a person sees of the action: its text, else its payload, link or type.
    public var label: String {
        [text, payload, uri].compactMap { $0 }.first { !$0.isEmpty } ?? type.rawValue
    }

    var json: JSONValue {
        var action: [String: JSONValue] = ["type": .string(type.rawValue)]
        if let text { action["text"] = .string(text) }
        if let payload { action["payload"] = .string(payload) }
        if let iconUrl { action["iconUrl"] = .string(iconUrl) }
        if let uri { action["uri"] = .string(uri) }
        return .object(action)
    }

    init?(stored: JSONValue) {
        let action = stored.objectValue
        let name = action["type"]?.stringValue?.lowercased()
        guard let type = MessageBody.ActionType.allCases.first(where: { $0.rawValue.lowercased() == name }) else { return nil }
        self.init(
            type: type, text: action["text"]?.stringValue, payload: action["payload"]?.stringValue, iconUrl: action["iconUrl"]?.stringValue,
            uri: action["uri"]?.stringValue)
    }
}

extension MessageBody.RichMediaPayload {
    var json: JSONValue {
        var payload: [String: JSONValue] = [:]
        if !actions.isEmpty { payload["actions"] = .array(actions.map(\.json)) }
        if let selectedAction { payload["selectedAction"] = selectedAction.json }
        if !items.isEmpty {
            payload["items"] = .array(
                items.map { item in
                    var card: [String: JSONValue] = ["title": .string(item.title), "actions": .array(item.actions.map(\.json))]
                    if let description = item.description { card["description"] = .string(description) }
                    if let mediaUrl = item.mediaUrl { card["mediaUrl"] = .string(mediaUrl) }
                    return .object(card)
                })
        }
        if let coordinates { payload["coordinates"] = .object(["lat": .double(coordinates.lat), "long": .double(coordinates.long)]) }
        if let location {
            var place: [String: JSONValue] = [:]
            if let name = location.name { place["name"] = .string(name) }
            if let address = location.address { place["address"] = .string(address) }
            payload["location"] = .object(place)
        }
        if !attachmentIds.isEmpty { payload["attachmentIds"] = .array(attachmentIds.map { .string($0) }) }
        return .object(payload)
    }

    init(stored: JSONValue) {
        let payload = stored.objectValue
        let items = payload["items"]?.arrayValue.map { item -> MessageBody.CarouselItem in
            let card = item.objectValue
            return MessageBody.CarouselItem(
                title: card["title"]?.stringValue ?? "", description: card["description"]?.stringValue, mediaUrl: card["mediaUrl"]?.stringValue,
                actions: card["actions"]?.arrayValue.compactMap(MessageBody.Action.init(stored:)) ?? [])
        }
        let point = payload["coordinates"]?.objectValue ?? [:]
        let place = payload["location"]?.objectValue
        self.init(
            actions: payload["actions"]?.arrayValue.compactMap(MessageBody.Action.init(stored:)) ?? [],
            selectedAction: payload["selectedAction"].flatMap(MessageBody.Action.init(stored:)),
            items: items ?? [],
            coordinates: Self.number(point["lat"]).flatMap { lat in Self.number(point["long"]).map { MessageBody.Coordinates(lat: lat, long: $0) } },
            location: place.map { MessageBody.Location(name: $0["name"]?.stringValue, address: $0["address"]?.stringValue) },
            attachmentIds: payload["attachmentIds"]?.arrayValue.compactMap(\.stringValue) ?? [])
    }

    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let number)?: Double(number)
        case .double(let number)?: number
        default: nil
        }
    }
}
