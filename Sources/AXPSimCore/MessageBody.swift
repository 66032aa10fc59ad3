import Foundation

/// A message's body, as the platform models it (SPEC section 3.2, OMNI-SDK.md section 4): one of
/// seven element types, its element text, and the rich-media payload of the kinds that have one.
///
/// - Reading (`MessageBody+Reading.swift`): ``customer(omni:maxTextLength:field:)``,
///   ``customer(chatSDK:maxTextLength:field:)`` and ``agent(_:maxTextLength:field:)`` validate
///   what each sender may send, reporting every violation at once.
/// - Rendering (`MessageBody+Rendering.swift`): ``json(family:)`` for each client family,
///   ``stored`` and ``init(stored:)`` for the database, ``summary`` for logs and transcripts.
///
/// The model keeps only what the platform's clients read: unknown fields are dropped on reading.
public struct MessageBody: Sendable, Equatable {
    /// The kind of a body (`body.elementType`). Raw values are the Omni family's lowercase spelling.
    public enum ElementType: String, Sendable, Equatable, CaseIterable {
        case text, image, file, postback, reply, location, carousel
    }

    /// How the element text is marked up.
    public enum TextFormat: String, Sendable, Equatable, CaseIterable {
        case plainText = "PLAINTEXT"
        case html = "HTML"
        case markdown = "MARKDOWN"
    }

    /// `body.elementText`: the text of a text message, the caption of a file or image, the prompt
    /// of a postback, reply or carousel (may be empty but for `text`).
    public struct ElementText: Sendable, Equatable {
        /// The text itself.
        public var text: String
        /// Its markup.
        public var textFormat: TextFormat

        public init(_ text: String, format: TextFormat = .plainText) {
            self.text = text
            self.textFormat = format
        }
    }

    /// The type of an action. Read case-insensitively, kept in this canonical spelling.
    public enum ActionType: String, Sendable, Equatable, CaseIterable {
        case postback, reply, link, locationRequest
    }

    /// A button or quick reply (`actions[]`, `items[].actions[]`), or the customer's choice of one
    /// (`selectedAction`).
    public struct Action: Sendable, Equatable {
        /// What the action does.
        public var type: ActionType
        /// The label (the customer's choice echoes it).
        public var text: String?
        /// What a postback carries back to the bot.
        public var payload: String?
        /// An icon for a quick reply.
        public var iconUrl: String?
        /// Where a link goes.
        public var uri: String?

        public init(type: ActionType, text: String? = nil, payload: String? = nil, iconUrl: String? = nil, uri: String? = nil) {
            self.type = type
            self.text = text
            self.payload = payload
            self.iconUrl = iconUrl
            self.uri = uri
        }
    }

    /// One card of a carousel.
    public struct CarouselItem: Sendable, Equatable {
        /// The card's title.
        public var title: String
        /// A line or two under the title.
        public var description: String?
        /// The card's picture.
        public var mediaUrl: String?
        /// The card's buttons (at least one: the Omni SDK requires the field).
        public var actions: [Action]

        public init(title: String, description: String? = nil, mediaUrl: String? = nil, actions: [Action]) {
            self.title = title
            self.description = description
            self.mediaUrl = mediaUrl
            self.actions = actions
        }
    }

    /// A point on the earth, in decimal degrees.
    public struct Coordinates: Sendable, Equatable {
        /// Latitude, −90…90.
        public var lat: Double
        /// Longitude, −180…180.
        public var long: Double

        public init(lat: Double, long: Double) {
            self.lat = lat
            self.long = long
        }
    }

    /// The human description of a shared location.
    public struct Location: Sendable, Equatable {
        /// The place's name.
        public var name: String?
        /// Its postal address.
        public var address: String?

        public init(name: String? = nil, address: String? = nil) {
            self.name = name
            self.address = address
        }
    }

    /// `body.richMediaPayload`. Empty arrays and `nil` mean "not present" (not rendered).
    public struct RichMediaPayload: Sendable, Equatable {
        /// Buttons or quick replies offered by the contact center.
        public var actions: [Action]
        /// The action a customer chose (postback, reply).
        public var selectedAction: Action?
        /// Carousel cards.
        public var items: [CarouselItem]
        /// Where a shared location is.
        public var coordinates: Coordinates?
        /// What a shared location is called.
        public var location: Location?
        /// Uploaded files (`mediaId`s) a file or image message carries.
        public var attachmentIds: [String]

        public init(
            actions: [Action] = [], selectedAction: Action? = nil, items: [CarouselItem] = [], coordinates: Coordinates? = nil,
            location: Location? = nil, attachmentIds: [String] = []
        ) {
            self.actions = actions
            self.selectedAction = selectedAction
            self.items = items
            self.coordinates = coordinates
            self.location = location
            self.attachmentIds = attachmentIds
        }

        /// True when nothing is present.
        public var isEmpty: Bool {
            actions.isEmpty && selectedAction == nil && items.isEmpty && coordinates == nil && location == nil && attachmentIds.isEmpty
        }
    }

    /// The kind of message.
    public var elementType: ElementType
    /// The text, caption or prompt, with its format.
    public var elementText: ElementText
    /// The rich-media payload, `nil` when there is none (an empty payload is stored as `nil`).
    public var richMediaPayload: RichMediaPayload?

    /// A body as given; an empty `richMediaPayload` becomes `nil`. No limit is checked here (the
    /// readers check what comes from outside).
    public init(elementType: ElementType, elementText: ElementText, richMediaPayload: RichMediaPayload? = nil) {
        self.elementType = elementType
        self.elementText = elementText
        self.richMediaPayload = richMediaPayload?.isEmpty == true ? nil : richMediaPayload
    }

    /// The element text (a caption, a prompt, or `""` for kinds without text).
    public var text: String { elementText.text }

    /// The uploaded files this body refers to (file and image messages).
    public var attachmentIds: [String] { richMediaPayload?.attachmentIds ?? [] }

    /// The actions offered (buttons, quick replies); empty when none.
    public var actions: [Action] { richMediaPayload?.actions ?? [] }

    // MARK: Building bodies

    /// A text message, optionally with buttons or quick replies (a `locationRequest` asks for the
    /// customer's location).
    public static func text(_ text: String, format: TextFormat = .plainText, actions: [Action] = []) -> MessageBody {
        MessageBody(elementType: .text, elementText: ElementText(text, format: format), richMediaPayload: RichMediaPayload(actions: actions))
    }

    /// A customer's choice of a postback or reply action (the element type follows the action's type,
    /// `postback` for anything but `reply`).
    public static func selection(_ action: Action, text: String = "") -> MessageBody {
        MessageBody(
            elementType: action.type == .reply ? .reply : .postback, elementText: ElementText(text),
            richMediaPayload: RichMediaPayload(selectedAction: action))
    }

    /// A shared location.
    public static func location(_ coordinates: Coordinates, _ location: Location? = nil, text: String = "") -> MessageBody {
        MessageBody(
            elementType: .location, elementText: ElementText(text), richMediaPayload: RichMediaPayload(coordinates: coordinates, location: location))
    }

    /// A file or image message (`elementType` `.file` or `.image`) with its caption.
    public static func attachment(_ elementType: ElementType, ids: [String], caption: String = "") -> MessageBody {
        MessageBody(elementType: elementType, elementText: ElementText(caption), richMediaPayload: RichMediaPayload(attachmentIds: ids))
    }

    /// A carousel of cards.
    public static func carousel(_ items: [CarouselItem], text: String = "") -> MessageBody {
        MessageBody(elementType: .carousel, elementText: ElementText(text), richMediaPayload: RichMediaPayload(items: items))
    }
}

extension MessageBody {
    /// The limits the readers enforce. Those of OMNI-SDK.md section 4.1 are the Omni SDK's own
    /// client-side checks; the others are axpsim's choices where the record is silent, each said
    /// so below. The text limit of a `text` message is the emulator's `maxTextLength`
    /// (configurable, ``defaultTextLength`` by default).
    public enum Limits {
        /// Default of the `text` element's length (OMNI-SDK.md 4.1: 1–4096; the server's
        /// `maxMessageLength` may lower or raise it).
        public static let defaultTextLength = 4096
        /// A file or image caption (OMNI-SDK.md 4.1), whatever `maxTextLength` is.
        public static let caption = 0...4096
        /// An action's label (OMNI-SDK.md 4.1, `selectedAction.text`; also used for the contact
        /// center's actions, whose labels the customer echoes back).
        public static let actionText = 0...50
        /// A postback payload (OMNI-SDK.md 4.1).
        public static let payload = 0...512
        /// `iconUrl`, `uri` and a card's `mediaUrl` (OMNI-SDK.md 4.1 for `iconUrl`; axpsim's choice
        /// to use the same bound for the other URLs).
        public static let url = 0...2048
        /// `location.name` (OMNI-SDK.md 4.1).
        public static let locationName = 0...50
        /// `location.address` (OMNI-SDK.md 4.1).
        public static let locationAddress = 0...512
        /// Latitude in degrees (OMNI-SDK.md 4.1).
        public static let latitude = -90.0...90.0
        /// Longitude in degrees (OMNI-SDK.md 4.1).
        public static let longitude = -180.0...180.0
        /// One attachment id (axpsim's choice: non-empty, and well above the 36 characters of the
        /// UUIDs axpsim issues as `mediaId`).
        public static let attachmentId = 1...256
        /// Attachment ids of a customer's file or image: the SDK sends exactly one (OMNI-SDK.md 4.1).
        public static let customerAttachments = 1...1
        /// Attachment ids of a contact center's file or image (axpsim's choice).
        public static let agentAttachments = 1...10
        /// Actions of a contact center's text message (0…10, given by the brief of this model), and of
        /// a postback or reply message, which needs at least one (axpsim's choice).
        public static let actions = 0...10
        /// Cards of a carousel (axpsim's choice, as common carousel renderers allow).
        public static let carouselItems = 1...10
        /// A card's title (axpsim's choice; required and non-empty).
        public static let itemTitle = 1...80
        /// A card's description (axpsim's choice).
        public static let itemDescription = 0...512
        /// Buttons of a card (axpsim's choice; the Omni SDK requires `actions`, so at least one).
        public static let itemActions = 1...3
    }
}
