import AXPSimChat
import AXPSimCore
import AXPSimStore
import Foundation

extension Emulator {
    /// Mints a chat JWT without serving (for `axpsim token`); returns the `jwt.`-prefixed token.
    public func mintOffline(accountId: String, request: TokenRequest, issuer: String) throws -> String {
        guard try store.account(accountId) != nil else { throw AXPSimError.notFound(resource: "account", id: accountId) }
        return try tokens.mint(accountId: accountId, request: request, issuer: issuer).jwtToken
    }
}
