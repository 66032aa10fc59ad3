import AXPSimCore
import AXPSimHTTP
import AXPSimStore

/// Lookups of what a request's path names, shared by the controllers: 404 when it does not exist.
extension Store {
    /// The account of the path's `{accountId}`.
    func requireAccount(_ request: HTTPRequest) throws -> Account {
        let id = request.parameter("accountId")
        guard let account = try account(id) else { throw AXPSimError.notFound(resource: "account", id: id) }
        return account
    }

    /// The integration of the path's `{accountId}` and `{integrationId}`.
    func requireIntegration(_ request: HTTPRequest) throws -> Integration {
        let account = try requireAccount(request)
        let id = request.parameter("integrationId")
        guard let integration = try integration(accountId: account.accountId, integrationId: id) else {
            throw AXPSimError.notFound(resource: "integration", id: id)
        }
        return integration
    }

    /// Why the request's `appkey` header is unacceptable for `accountId`, or nil.
    /// A store failure is thrown (a 500), not reported as a bad key.
    func appKeyFailure(_ request: HTTPRequest, accountId: String, required: Bool) throws -> AXPSimError? {
        guard let key = request.header("appkey"), !key.isEmpty else { return required ? .missingAppKey : nil }
        return try hasAppKey(accountId: accountId, appKey: key) ? nil : .invalidAppKey
    }
}
