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

    /// Most snapshots an in-memory database keeps (each is a whole copy of the state in memory);
    /// delete one to take another. Snapshots of a file database are files and are not limited.
    public static let memorySnapshotLimit = 32

    /// Writes the current state as snapshot `name` (replacing one of the same name).
    ///
    /// - Throws: ``AXPSimError/conflict(code:detail:)`` `too_many_snapshots` when an in-memory
    ///   database already keeps ``memorySnapshotLimit`` other snapshots.
    public func saveSnapshot(_ name: String) throws {
        guard let directory = snapshotDirectory else {
            let full = memorySnapshots.withLock { $0[name] == nil && $0.count >= Self.memorySnapshotLimit }
            if full {
                throw AXPSimError.conflict(
                    code: "too_many_snapshots",
                    detail: "An in-memory emulator keeps at most \(Self.memorySnapshotLimit) snapshots: delete one (DELETE /__sim/snapshots/{name}) first")
            }
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
            // Best effort: the temporary file is hidden and replaced by the next attempt; the
            // error that matters is the one rethrown.
            _ = try? FileManager.default.removeItem(at: temporary)
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
            defer { invalidateRowCaches() }
            try copy.backup(to: writer)
            return true
        }
        guard let file = snapshotDirectory?.appendingPathComponent("\(name).sqlite"), FileManager.default.fileExists(atPath: file.path) else {
            return false
        }
        var configuration = Configuration()
        configuration.readonly = true
        let copy = try DatabaseQueue(path: file.path, configuration: configuration)
        // The backup replaces every page; no transaction observer sees it.
        defer { invalidateRowCaches() }
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
