import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import Foundation


/// `/__sim/faults`: fault rules on HTTP routes and socket events.
struct FaultController: Sendable {
    let faults: FaultInjector

    func addRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/faults", .control, "The active fault rules and how often each acted",
            .json(200, Self.faultsSchema)) { _ in
            .respond(JSONResponses.json(200, self.faultsJSON()))
        }
        table.add("PUT", "/__sim/faults", .control, "Replace every fault rule: {\"rules\":[{match, action, probability?, seed?, count?}]}",
            RouteDoc.json(200, Self.faultsSchema).body(
                .anyOf([.record(["rules": .array(Fault.ruleSchema)], closed: false), .array(Fault.ruleSchema)]), required: true)) {
            request in
            self.faults.replace(with: try Self.parseFaults(try JSONValue.parse(Self.jsonBody(request))))
            return .respond(JSONResponses.json(200, self.faultsJSON()))
        }
        table.add("POST", "/__sim/faults", .control, "Add one fault rule",
            RouteDoc.json(201, .record(["id": .integer()])).body(Fault.ruleSchema, required: true)) { request in
            var violations: [Violation] = []
            guard let fault = Fault.parse(try JSONValue.parse(Self.jsonBody(request)), field: "rule", into: &violations) else {
                throw AXPSimError.constraintViolation(violations)
            }
            let id = self.faults.add(fault)
            return .respond(JSONResponses.json(201, JSONValue.object(["id": .int(Int64(id))])))
        }
        table.add("DELETE", "/__sim/faults", .control, "Remove every fault rule", .noContent) { _ in
            self.faults.replace(with: [])
            return .respond(.empty(204))
        }
    }

    private static func jsonBody(_ request: HTTPRequest) throws -> Data {
        _ = try request.jsonObjectOrArrayContentType()
        return request.body
    }

    /// `{"rules":[…]}` or a bare array of rules.
    static func parseFaults(_ value: JSONValue) throws -> [Fault] {
        let list: [JSONValue]
        switch value {
        case .array(let items): list = items
        case .object(let object):
            guard case .array(let items)? = object["rules"] else {
                throw AXPSimError.constraintViolation([Violation(field: "rules", message: "must be an array of rules", code: .missingValue)])
            }
            list = items
        default:
            throw AXPSimError.malformedJSON("the body must be {\"rules\":[…]} or an array of rules")
        }
        var violations: [Violation] = []
        let faults = list.enumerated().compactMap { Fault.parse($1, field: "rules[\($0)]", into: &violations) }
        if !violations.isEmpty { throw AXPSimError.constraintViolation(violations) }
        return faults
    }

    /// The JSON shape of ``faultsJSON()``.
    static let faultsSchema = JSONSchema.ref(
        "FaultRules",
        .record([
            "rules": .array(
                .record([
                    "id": .integer(), "match": .object(["method": .string(), "path": .string(), "event": .string()]),
                    "action": .object(["delayMs": .integer(), "status": .integer(), "drop": .boolean, "closeSocket": .boolean]),
                    "probability": .number, "seed": .integer(), "count": JSONSchema.integer().nullable, "hits": .integer(),
                ]))
        ]))

    func faultsJSON() -> JSONValue {
        .object([
            "rules": .array(
                faults.snapshot.map { entry in
                    var match: [String: JSONValue] = [:]
                    if let method = entry.fault.match.method { match["method"] = .string(method) }
                    if let path = entry.fault.match.path { match["path"] = .string(path) }
                    if let event = entry.fault.match.event { match["event"] = .string(event) }
                    let action: JSONValue =
                        switch entry.fault.action {
                        case .delay(let ms): .object(["delayMs": .int(Int64(ms))])
                        case .status(let status): .object(["status": .int(Int64(status))])
                        case .drop: .object(["drop": .bool(true)])
                        case .closeSocket: .object(["closeSocket": .bool(true)])
                        }
                    return .object([
                        "id": .int(Int64(entry.id)), "match": .object(match), "action": action, "probability": .double(entry.fault.probability),
                        "seed": .int(Int64(bitPattern: entry.fault.seed)), "count": entry.fault.count.map { .int(Int64($0)) } ?? .null,
                        "hits": .int(Int64(entry.hits)),
                    ])
                })
        ])
    }
}

extension HTTPRequest {
    /// Checks that the body is JSON (object or array) by content type.
    func jsonObjectOrArrayContentType() throws(AXPSimError) -> Bool {
        guard mediaType == "application/json" || mediaType?.hasSuffix("+json") == true else {
            throw .unsupportedMediaType(expected: "application/json")
        }
        return true
    }
}
