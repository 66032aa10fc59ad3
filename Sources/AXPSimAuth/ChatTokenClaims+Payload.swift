import AXPSimCore
import Foundation
import JWTKit

extension ChatTokenClaims {
    /// The payload's JSON text, written by ``JSONValue``'s byte writer instead of `JSONEncoder`
    /// (3–4 % of a Generate JWT Token call's CPU): the members jwt-kit's encoding has — optional
    /// claims left out when absent, times as whole seconds since 1970 — with keys sorted and `/`
    /// not escaped (the same JSON value; jwt-kit decodes it to the same claims).
    package var payloadJSON: Data {
        var members: [String: JSONValue] = [
            "iss": .string(iss.value), "sub": .string(sub.value), "aud": Self.audienceJSON(aud.value), "jti": .string(jti.value),
            "iat": Self.seconds(iat.value), "nbf": Self.seconds(nbf.value), "exp": Self.seconds(exp.value),
            "accountId": .string(accountId), "integrationId": .string(integrationId), "customerId": .string(customerId),
            "verifiedCustomer": .bool(verifiedCustomer),
        ]
        if let customerName { members["customerName"] = .string(customerName) }
        if let customerIdentifiers {
            members["customerIdentifiers"] = .object(customerIdentifiers.mapValues { .array($0.map(JSONValue.string)) })
        }
        return JSONValue.object(members).jsonData
    }

    /// jwt-kit writes a single audience as a string, several as an array.
    private static func audienceJSON(_ values: [String]) -> JSONValue {
        values.count == 1 ? .string(values[0]) : .array(values.map(JSONValue.string))
    }

    /// A time as jwt-kit writes it: whole seconds (fractions, which minted times never have, kept).
    private static func seconds(_ date: Date) -> JSONValue {
        let value = date.timeIntervalSince1970
        if let whole = Int64(exactly: value) { return .int(whole) }
        return .double(value)
    }
}
