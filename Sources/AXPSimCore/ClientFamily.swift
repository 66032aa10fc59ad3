/// The vendor's two client families, which speak the same platform API but read some shapes
/// differently (SPEC section 3.2, OMNI-SDK.md section 6).
public enum ClientFamily: String, Sendable, Equatable, CaseIterable {
    /// The Chat SDK (`…/v1/integrations/…`): reads `elementType` `TEXT`.
    case chatSDK
    /// The Omni SDK family (`…/v1/messaging-integrations/…`): lowercase `elementType`, rich messages.
    case omni
}
