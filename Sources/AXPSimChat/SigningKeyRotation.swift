import AXPSimAuth
import AXPSimStore
import Foundation
import AXPSimCore
import Logging

/// Generates a new signing key, persists it as the active one and puts it in the ring.
package enum SigningKeyRotation {
    /// Returns the new key's id.
    /// The first key, when it is still being made, is stored first: the new key is stored after it.
    package static func rotate(store: Store, keys: KeyRing) throws -> String {
        try keys.waitForStoredFirstKey()
        let key = try SigningKey.generate()
        try store.addActiveSigningKey(StoredSigningKey(kid: key.kid, privateKeyPEM: key.privateKeyPEM, createdAt: Date(), active: true))
        try keys.rotate(to: key)
        return key.kid
    }
}
