import AXPSimCore
import Foundation
import GRDB
import Synchronization

/// Named snapshots of the whole state (SQLite online backup). A file database keeps them as files
/// in `snapshots/` beside it, each written to a temporary file and renamed (atomic); an in-memory
/// database keeps them in memory.
extension Store {
    /// Snapshot names: letters, digits, `.`, `_`, `-`; 1–64 characters.
    public static func isValidSnapshotName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 46 || byte == 95 || byte == 45
        } && !name.hasPrefix(".")
    }

    var snapshotDirectory: URL? {
        path == ":memory:" ? nil : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("snapshots")
    }

    /// Writes the current state as snapshot `name` (replacing one of the same name).
    public func saveSnapshot(_ name: String) throws {
        guard let directory = snapshotDirectory else {
            let copy = try DatabaseQueue()
            try writer.backup(to: copy)
            memorySnapshots.withLock { $0[name] = copy }
            return
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let final = directory.appendingPathComponent("\(name).sqlite")
        let temporary = directory.appendingPathComponent(".\(name).\(UUID().uuidString).tmp")
        do {
            let copy = try DatabaseQueue(path: temporary.path)
            try writer.backup(to: copy)
            try copy.close()
            // rename(2) replaces an existing snapshot atomically.
            guard rename(temporary.path, final.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: final.path])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// The saved snapshot names.
    public func snapshotNames() -> [String] {
        guard let directory = snapshotDirectory else { return memorySnapshots.withLock { $0.keys.sorted() } }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".sqlite") && !$0.hasPrefix(".") }.map { String($0.dropLast(7)) }.sorted()
    }

    /// Replaces the whole state with snapshot `name`; false when there is no such snapshot.
    public func restoreSnapshot(_ name: String) throws -> Bool {
        if snapshotDirectory == nil {
            guard let copy = memorySnapshots.withLock({ $0[name] }) else { return false }
            try copy.backup(to: writer)
            return true
        }
        guard let file = snapshotDirectory?.appendingPathComponent("\(name).sqlite"), FileManager.default.fileExists(atPath: file.path) else {
            return false
        }
        var configuration = Configuration()
        configuration.readonly = true
        let copy = try DatabaseQueue(path: file.path, configuration: configuration)
        try copy.backup(to: writer)
        try copy.close()
        return true
    }

    /// Deletes snapshot `name`; false when there is none.
    public func deleteSnapshot(_ name: String) throws -> Bool {
        guard let directory = snapshotDirectory else { return memorySnapshots.withLock { $0.removeValue(forKey: name) } != nil }
        let file = directory.appendingPathComponent("\(name).sqlite")
        guard FileManager.default.fileExists(atPath: file.path) else { return false }
        try FileManager.default.removeItem(at: file)
        return true
    }
}
