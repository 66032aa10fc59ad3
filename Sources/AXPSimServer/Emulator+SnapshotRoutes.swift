import AXPSimChat
import AXPSimAuth
import AXPSimCore
import AXPSimHTTP
import AXPSimStore
import Foundation

/// `/__sim/snapshots`: save and restore the whole state (SQLite online backup).
extension Emulator {
    func addSnapshotRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/snapshots", .control, "Saved snapshot names",
            .json(200, .record(["snapshots": .array(.string())]))) { [unowned self] _ in
            .respond(.json(200, JSONValue.object(["snapshots": .array(self.store.snapshotNames().map { .string($0) })]).jsonData))
        }
        table.add("POST", "/__sim/snapshots", .control, "Save the whole state as a named snapshot (written atomically)",
            RouteDoc.json(201, .record(["name": .string(), "createdAt": .timestamp])).body(ControlRequests.snapshotName)
                .link("RestoreSnapshot", "POST", "/__sim/snapshots/{name}/restore", ["name": "$response.body#/name"])
                .link("DeleteSnapshot", "DELETE", "/__sim/snapshots/{name}", ["name": "$response.body#/name"])) {
            [unowned self] request in
            let name = try ControlRequests.snapshotName(try request.jsonObject())
            try self.store.saveSnapshot(name)
            return .respond(JSONResponses.object(201, ["name": name, "createdAt": Timestamp.format(Date())]))
        }
        table.add("POST", "/__sim/snapshots/{name}/restore", .control, "Replace the whole state with a snapshot",
            .json(200, .record(["restored": .string()]))) { [unowned self] request in
            let name = request.parameter("name")
            guard Store.isValidSnapshotName(name), try self.store.restoreSnapshot(name) else {
                throw AXPSimError.notFound(resource: "snapshot", id: name)
            }
            try self.keys.replace(with: try Self.storedKeys(store: self.store))
            self.clocks.invalidate()
            self.hub.dropAccount(nil, response: JSONResponses.problem(.sessionNotFound))
            // The snapshot holds the runs as they were (rows and timers): they go on from there.
            try self.scenarios.reload()
            self.scheduler.poke()
            return .respond(JSONResponses.object(200, ["restored": name]))
        }
        table.add("DELETE", "/__sim/snapshots/{name}", .control, "Delete a snapshot", .noContent) { [unowned self] request in
            let name = request.parameter("name")
            guard Store.isValidSnapshotName(name), try self.store.deleteSnapshot(name) else {
                throw AXPSimError.notFound(resource: "snapshot", id: name)
            }
            return .respond(.empty(204))
        }
    }
}
