import Foundation

/// One field-level problem in a request body, reported in a problem's `violations` list.
public struct Violation: Sendable, Equatable, Codable {
    /// The JSON path of the offending field (`customerIdentifiers.email[0]`).
    public var field: String
    /// Human-readable explanation.
    public var message: String
    /// The platform's numeric violation code (see ``ViolationCode``).
    public var code: Int

    public init(field: String, message: String, code: ViolationCode) {
        self.field = field
        self.message = message
        self.code = code.rawValue
    }
}

/// Numeric violation codes, following the platform's (20002 missing value, 20006 pattern mismatch).
public enum ViolationCode: Int, Sendable, CaseIterable {
    /// The value is not allowed (unknown field, wrong enum member).
    case invalidValue = 20001
    /// A required value is missing or null.
    case missingValue = 20002
    /// A string or collection is shorter or longer than allowed.
    case sizeOutOfRange = 20003
    /// A number is outside its allowed range.
    case numberOutOfRange = 20004
    /// The JSON type is wrong (a string where a number is expected, …).
    case invalidType = 20005
    /// The value does not match the required pattern (UUID, account id, …).
    case patternMismatch = 20006
}

/// Every error axpsim reports. Each case has a stable machine-readable ``code`` and maps to one
/// HTTP status; the HTTP layer renders it as an RFC 7807 problem (SPEC section 9).
public enum AXPSimError: Error, Sendable, Equatable {
    /// The body is not valid JSON (or not an object where one is required).
    case malformedJSON(String)
    /// One or more fields violate their constraints.
    case constraintViolation([Violation])
    /// The request's Content-Type is not one the endpoint accepts.
    case unsupportedMediaType(expected: String)
    /// The body is larger than the configured limit.
    case payloadTooLarge(limit: Int)
    /// No `Authorization: Bearer` credential was sent.
    case missingCredentials
    /// The bearer credential is unknown or malformed.
    case invalidCredentials(String)
    /// The bearer credential has expired.
    case expiredCredentials(String)
    /// The `appkey` header is missing.
    case missingAppKey
    /// The `appkey` header is not a key of this account.
    case invalidAppKey
    /// The caller is authenticated but not allowed to act on this resource (another account, another customer).
    case forbidden(String)
    /// The resource does not exist (or belongs to another account).
    case notFound(resource: String, id: String)
    /// Something does not exist, with an exact detail text clients match on (`Session not found`).
    case notFoundDetail(code: String, detail: String)
    /// No route has this path.
    case routeNotFound(path: String)
    /// The path exists but not for this method.
    case methodNotAllowed(allowed: [String])
    /// The resource already exists.
    case duplicate(resource: String, id: String)
    /// The resource is in a state that does not allow the operation.
    case conflict(code: String, detail: String)
    /// The control plane refused the caller (not loopback, or wrong control token).
    case controlPlaneDenied(String)
    /// The control token is missing or wrong (401, same code as ``controlPlaneDenied``).
    case controlTokenRejected(String)
    /// A control-plane request came from a web page of another origin, or named a host the
    /// control plane does not answer for (DNS rebinding).
    case crossOriginDenied(String)
    /// The request path has no canonical form (``AXPSimHTTP/CanonicalPath``).
    case nonCanonicalPath(String)
    /// A per-session limit (held long polls, event sockets) is reached.
    case tooManyFollowers(String)
    /// A fault rule or rate limit answered instead of the emulator.
    case rateLimited
    /// A chat JWT failed verification; `reason` says why with its own stable code.
    case tokenRejected(TokenRejection)
    /// A fault rule answered instead of the emulator, with this status.
    case faultInjected(status: Int)
    /// A `multipart/form-data` body could not be read (no boundary, a part without a name, no
    /// closing delimiter…).
    case malformedMultipart(String)
    /// A signed URL (an attachment's upload or download URL) was refused: no signature, a
    /// signature that is not this URL's (tampered, another account's, another purpose's), or
    /// an expired one (on the account's clock).
    case signedURLRejected(expired: Bool)
    /// An uploaded file is not the size its upload URL was announced with: 413 when larger, 400
    /// when smaller.
    case attachmentSizeMismatch(declared: Int64, received: Int64)
    /// The emulator itself failed (never for bad input).
    case internalError(String)

    /// Stable snake_case code, part of the public contract.
    public var code: String {
        switch self {
        case .malformedJSON: "malformed_json"
        case .constraintViolation: "constraint_violation"
        case .unsupportedMediaType: "unsupported_media_type"
        case .payloadTooLarge: "payload_too_large"
        case .missingCredentials: "missing_credentials"
        case .invalidCredentials: "invalid_credentials"
        case .expiredCredentials: "expired_credentials"
        case .missingAppKey: "missing_appkey"
        case .invalidAppKey: "invalid_appkey"
        case .forbidden: "forbidden"
        case .notFound(let resource, _): "\(resource)_not_found"
        case .notFoundDetail(let code, _): code
        case .routeNotFound: "route_not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .duplicate(let resource, _): "duplicate_\(resource)"
        case .conflict(let code, _): code
        case .controlPlaneDenied, .controlTokenRejected: "control_plane_denied"
        case .crossOriginDenied: "cross_origin_denied"
        case .nonCanonicalPath: "non_canonical_path"
        case .tooManyFollowers: "too_many_followers"
        case .rateLimited: "rate_limited"
        case .tokenRejected(let reason): reason.code
        case .faultInjected: "fault_injected"
        case .malformedMultipart: "malformed_multipart"
        case .signedURLRejected(let expired): expired ? "signed_url_expired" : "signed_url_invalid"
        case .attachmentSizeMismatch: "attachment_size_mismatch"
        case .internalError: "internal_error"
        }
    }

    /// The HTTP status this error is answered with.
    public var status: Int {
        switch self {
        case .malformedJSON, .constraintViolation, .nonCanonicalPath, .malformedMultipart: 400
        case .attachmentSizeMismatch(let declared, let received): received > declared ? 413 : 400
        case .signedURLRejected: 403
        case .missingCredentials, .invalidCredentials, .expiredCredentials, .missingAppKey, .invalidAppKey: 401
        case .tokenRejected, .controlTokenRejected: 401
        case .forbidden, .controlPlaneDenied, .crossOriginDenied: 403
        case .notFound, .notFoundDetail, .routeNotFound: 404
        case .methodNotAllowed: 405
        case .duplicate, .conflict: 409
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .rateLimited, .tooManyFollowers: 429
        case .faultInjected(let status): status
        case .internalError: 500
        }
    }

    /// The problem's `title`, as the platform words it.
    public var title: String {
        switch self {
        case .malformedJSON, .nonCanonicalPath, .malformedMultipart: "Bad Request"
        case .attachmentSizeMismatch(let declared, let received): received > declared ? "Payload Too Large" : "Bad Request"
        case .signedURLRejected: "Forbidden"
        case .constraintViolation: "Constraint Violation"
        case .unsupportedMediaType: "Unsupported Media Type"
        case .payloadTooLarge: "Payload Too Large"
        case .missingCredentials, .invalidCredentials, .expiredCredentials, .missingAppKey, .invalidAppKey, .tokenRejected,
            .controlTokenRejected:
            "Unauthorized"
        case .forbidden, .controlPlaneDenied, .crossOriginDenied: "Forbidden"
        case .notFound, .notFoundDetail, .routeNotFound: "Not Found"
        case .methodNotAllowed: "Method Not Allowed"
        case .duplicate, .conflict: "Conflict"
        case .rateLimited, .tooManyFollowers: "Too Many Requests"
        case .faultInjected: "Injected Fault"
        case .internalError: "Internal Server Error"
        }
    }

    /// Human-readable detail text.
    public var detail: String {
        switch self {
        case .malformedJSON(let why): "The request body is not valid JSON: \(why)"
        case .constraintViolation(let violations):
            violations.count == 1 ? "1 field is invalid: \(violations[0].field)" : "\(violations.count) fields are invalid"
        case .unsupportedMediaType(let expected): "Content-Type must be \(expected)"
        case .payloadTooLarge(let limit): "The request body exceeds the limit of \(limit) bytes"
        case .missingCredentials: "Missing Authorization: Bearer credential"
        case .invalidCredentials(let why): why
        case .expiredCredentials(let why): why
        case .missingAppKey: "Missing appkey header"
        case .invalidAppKey: "The appkey is not valid for this account"
        case .forbidden(let why): why
        case .notFound(let resource, let id): "\(Self.humanName(resource)) not found: \(id)"
        case .notFoundDetail(_, let detail): detail
        case .routeNotFound(let path): "No route for \(path)"
        case .methodNotAllowed(let allowed): "Method not allowed; allowed: \(allowed.joined(separator: ", "))"
        case .duplicate(let resource, let id): "\(Self.humanName(resource)) already exists: \(id)"
        case .conflict(_, let detail): detail
        case .controlPlaneDenied(let why), .controlTokenRejected(let why), .crossOriginDenied(let why): why
        case .nonCanonicalPath(let why): "The request path is not canonical: \(why)"
        case .tooManyFollowers(let why): why
        case .rateLimited: "Rate limit exceeded"
        case .tokenRejected(let reason): reason.detail
        case .faultInjected(let status): "A fault rule answered \(status) (PUT /__sim/faults)"
        case .malformedMultipart(let why): "The multipart/form-data body cannot be read: \(why)"
        case .signedURLRejected(let expired):
            expired
                ? "This URL has expired (on the account's clock); ask for a new one"
                : "This URL's signature is missing or not valid for it (expires and signature must be exactly as issued)"
        case .attachmentSizeMismatch(let declared, let received):
            "The file has \(received) bytes; its upload URL was issued for exactly \(declared)"
        case .internalError(let why): "Internal error: \(why)"
        }
    }

    /// The problem `type` URI.
    public var typeURI: String {
        switch self {
        case .constraintViolation: "https://axpsim.dev/problems#constraint-violation"
        default: "https://axpsim.dev/problems#\(code.replacingOccurrences(of: "_", with: "-"))"
        }
    }

    /// Violations to report (only for ``constraintViolation``).
    public var violations: [Violation]? {
        if case .constraintViolation(let list) = self { return list }
        return nil
    }

    private static func humanName(_ resource: String) -> String {
        let words = resource.split(separator: "_").joined(separator: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}

/// Why a chat JWT was refused; each reason has its own stable code.
public enum TokenRejection: Sendable, Equatable {
    case malformed
    case missingPrefix
    case algorithmNone
    case unsupportedAlgorithm(String)
    case unknownKey
    case badSignature
    case wrongAudience
    case wrongIssuer
    case expired
    case notYetValid
    case revoked
    case unknownToken

    /// Stable code.
    public var code: String {
        switch self {
        case .malformed: "token_malformed"
        case .missingPrefix: "token_missing_prefix"
        case .algorithmNone: "token_alg_none"
        case .unsupportedAlgorithm: "token_unsupported_alg"
        case .unknownKey: "token_unknown_key"
        case .badSignature: "token_bad_signature"
        case .wrongAudience: "token_wrong_audience"
        case .wrongIssuer: "token_wrong_issuer"
        case .expired: "token_expired"
        case .notYetValid: "token_not_yet_valid"
        case .revoked: "token_revoked"
        case .unknownToken: "token_unknown"
        }
    }

    /// Human-readable detail.
    public var detail: String {
        switch self {
        case .malformed: "The token is not a well-formed JWT"
        case .missingPrefix: "The token must start with the literal prefix 'jwt.'"
        case .algorithmNone: "Unsigned tokens (alg none) are not accepted"
        case .unsupportedAlgorithm(let alg): "Unsupported token algorithm \(alg); RS256 is required"
        case .unknownKey: "The token's key id is not known"
        case .badSignature: "The token's signature is invalid"
        case .wrongAudience: "The token's audience is not chat-sdk"
        case .wrongIssuer: "The token was not issued by this emulator"
        case .expired: "The token has expired"
        case .notYetValid: "The token is not valid yet"
        case .revoked: "The token has been revoked"
        case .unknownToken: "The token was not issued by this emulator"
        }
    }
}
