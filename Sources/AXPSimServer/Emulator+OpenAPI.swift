import AXPSimHTTP
import Foundation
import Synchronization
import AXPSimCore
import Logging
import AXPSimStore

/// The OpenAPI 3.1 document of every HTTP route, generated from the route table so it cannot
/// drift from what is served.
extension Emulator {
    func openAPIDocument() -> [String: Any] {
        let entries = routes.withLock { table in
            table.entries.compactMap { item -> (String, String, RouteEntry)? in
                guard case .found(let entry, _, _) = table.router.match(method: item.method, path: Self.samplePath(item.pattern)) else { return nil }
                return (item.method, item.pattern, entry)
            }
        }
        var paths: [String: [String: Any]] = [:]
        for (method, pattern, entry) in entries {
            let parameters = Self.parameterNames(pattern).map { name -> [String: Any] in
                ["name": name, "in": "path", "required": true, "schema": ["type": "string"]]
            }
            var operation: [String: Any] = [
                "summary": entry.summary, "tags": [entry.group.rawValue], "operationId": Self.operationId(method, pattern),
                "responses": Self.responses(method: method, group: entry.group),
            ]
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if ["POST", "PUT", "PATCH"].contains(method) {
                let type = entry.group == .oauth ? "application/x-www-form-urlencoded" : "application/json"
                operation["requestBody"] = ["content": [type: ["schema": ["type": "object"]]]]
            }
            paths[Self.openAPIPath(pattern), default: [:]][method.lowercased()] = operation
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "axpsim", "version": AXPSimVersion.current,
                "description": "Offline emulator of the Avaya Experience Platform Digital chat services.",
            ],
            "servers": [["url": httpURL]],
            "paths": paths,
            "components": [
                "schemas": [
                    "Problem": [
                        "type": "object",
                        "properties": [
                            "type": ["type": "string"], "title": ["type": "string"], "status": ["type": "integer"],
                            "detail": ["type": "string"], "code": ["type": "string"],
                            "violations": [
                                "type": "array",
                                "items": [
                                    "type": "object",
                                    "properties": ["field": ["type": "string"], "message": ["type": "string"], "code": ["type": "integer"]],
                                ],
                            ],
                        ],
                    ]
                ]
            ],
        ]
    }

    private static func responses(method: String, group: RouteGroup) -> [String: Any] {
        let problem: [String: Any] = ["description": "Error", "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]]
        let success = method == "POST" ? "201" : (method == "DELETE" ? "204" : "200")
        return [success: ["description": "Success"], "default": problem]
    }

    /// `{engagementId}:join` is written `{engagementId}:join` in OpenAPI too; parameters keep their names.
    private static func openAPIPath(_ pattern: String) -> String { pattern }

    private static func parameterNames(_ pattern: String) -> [String] {
        pattern.split(separator: "/").compactMap { part in
            guard part.hasPrefix("{"), let close = part.firstIndex(of: "}") else { return nil }
            return String(part[part.index(after: part.startIndex)..<close])
        }
    }

    private static func samplePath(_ pattern: String) -> String {
        pattern.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
    }

    private static func operationId(_ method: String, _ pattern: String) -> String {
        let words = pattern.split(whereSeparator: { "/{}:._-".contains($0) }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return method.lowercased() + words.joined()
    }
}
