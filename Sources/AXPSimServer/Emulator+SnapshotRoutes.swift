import AXPSimAuth
import AXPSimCore
import AXPSimHTTP
import AXPSimStore
import Foundation

/// `/__sim/snapshots`: save and restore the whole state (SQLite online backup).
extension Emulator {
    func addSnapshotRoutes(to table: inout RouteTable) {
        table.add("GET", "/__sim/snapshots", .control, "Saved snapshot names") { [unowned self] _ in
            .respond(.json(200, JSONValue.object(["snapshots": .array(self.store.snapshotNames().map { .string($0) })]).jsonData))
        }
        table.add("POST", "/__sim/snapshots", .control, "Save the whole state as a named snapshot (written atomically)") {
            [unowned self] request in
            var reader = FieldReader(try request.jsonObject())
            reader.rejectUnknown(allowed: ["name"])
            let name = reader.string("name", required: true)
            if let name, !Store.isValidSnapshotName(name) {
                reader.fail("name", "must be 1-64 letters, digits, '.', '_' or '-', not starting with '.'", .patternMismatch)
            }
            try reader.check()
            try self.store.saveSnapshot(name ?? "")
            return .respond(JSONResponses.object(201, ["name": name ?? "", "createdAt": Timestamp.format(Date())]))
        }
        table.add("POST", "/__sim/snapshots/{name}/restore", .control, "Replace the whole state with a snapshot") { [unowned self] request in
            let name = request.parameter("name")
            guard Store.isValidSnapshotName(name), try self.store.restoreSnapshot(name) else {
                throw AXPSimError.notFound(resource: "snapshot", id: name)
            }
            try self.keys.replace(with: try Self.storedKeys(store: self.store))
            self.clocks.invalidate()
            self.hub.dropAccount(nil, response: JSONResponses.problem(.sessionNotFound))
            self.scheduler.poke()
            return .respond(JSONResponses.object(200, ["restored": name]))
        }
        table.add("DELETE", "/__sim/snapshots/{name}", .control, "Delete a snapshot") { [unowned self] request in
            let name = request.parameter("name")
            guard Store.isValidSnapshotName(name), try self.store.deleteSnapshot(name) else {
                throw AXPSimError.notFound(resource: "snapshot", id: name)
            }
            return .respond(.empty(204))
        }
    }
}
