import AXPSimChat
import AXPSimAuth
import AXPSimCore
import AXPSimHTTP
import AXPSimStore
import Foundation


/// `/__sim/snapshots`: save and restore the whole state (SQLite online backup).
struct SnapshotController: Sendable {
    let store: Store
    let resets: StateResets

    func addRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/snapshots", .control, "Saved snapshot names",
            .json(200, .record(["snapshots": .array(.string())]))) { _ in
            .respond(JSONResponses.json(200, JSONValue.object(["snapshots": .array(self.store.snapshotNames().map { .string($0) })])))
        }
        table.add("POST", "/__sim/snapshots", .control, "Save the whole state as a named snapshot (written atomically)",
            RouteDoc.json(201, .record(["name": .string(), "createdAt": .timestamp])).body(ControlRequests.snapshotName)
                .link("RestoreSnapshot", "POST", "/__sim/snapshots/{name}/restore", ["name": "$response.body#/name"])
                .link("DeleteSnapshot", "DELETE", "/__sim/snapshots/{name}", ["name": "$response.body#/name"])) {
            request in
            let name = try ControlRequests.snapshotName(try request.jsonObject())
            try self.resets.saveSnapshot(name)
            return .respond(JSONResponses.json(201, JSONValue.object(["name": .string(name), "createdAt": .date(Date())])))
        }
        table.add("POST", "/__sim/snapshots/{name}/restore", .control, "Replace the whole state with a snapshot",
            .json(200, .record(["restored": .string()]))) { request in
            let name = request.parameter("name")
            guard try self.resets.restoreSnapshot(name) else { throw AXPSimError.notFound(resource: "snapshot", id: name) }
            return .respond(JSONResponses.json(200, JSONValue.object(["restored": .string(name)])))
        }
        table.add("DELETE", "/__sim/snapshots/{name}", .control, "Delete a snapshot", .noContent) { request in
            let name = request.parameter("name")
            guard Store.isValidSnapshotName(name), try self.store.deleteSnapshot(name) else {
                throw AXPSimError.notFound(resource: "snapshot", id: name)
            }
            return .respond(.empty(204))
        }
    }
}
