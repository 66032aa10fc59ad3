@testable import AXPSimStore
import Foundation
import GRDB
import Testing

/// The WAL is copied into the database file by a connection of its own, every so many writes,
/// not by the writer inside a commit.
@Suite struct WALCheckpointerTests {
    func temporaryStore() throws -> Store {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("axpsim-wal-\(UUID().uuidString)/state.sqlite").path
        let store = try Store(path: path)
        try store.write { db in try db.execute(sql: "CREATE TABLE probe (value INTEGER NOT NULL)") }
        return store
    }

    @Test func chatWritesAreCheckpointedInTheBackgroundAndNothingIsLost() throws {
        let store = try temporaryStore()
        let checkpointer = try #require(store.checkpointer)
        let autocheckpoint = try store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(autocheckpoint == WALCheckpointer.safetyNetPages, "the writer's own checkpoint is only a safety net")
        #expect(checkpointer.pendingWrites == 1, "the table's creation (Store.write) counts too")
        for value in 0..<(checkpointer.interval - 2) {
            try store.chatGroupWrite { tx in try tx.db.execute(sql: "INSERT INTO probe (value) VALUES (?)", arguments: [value]) }
        }
        checkpointer.drain()
        #expect(checkpointer.runs == 0)
        try store.write { db in try db.execute(sql: "INSERT INTO probe (value) VALUES (-1)") }
        checkpointer.drain()
        #expect(checkpointer.runs == 1)
        // The background checkpoint copied every frame of those writes (no reader held any back).
        let frames = try #require(checkpointer.lastResult)
        #expect(frames.walFrames > 0 && frames.copiedFrames == frames.walFrames, "\(frames)")
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM probe") } == checkpointer.interval - 1)
    }

    @Test func aStoreReopenedAfterBackgroundCheckpointsHasEveryWrite() throws {
        let store = try temporaryStore()
        let checkpointer = try #require(store.checkpointer)
        for value in 0..<(checkpointer.interval * 2 + 7 - 1) {
            try store.chatGroupWrite { tx in try tx.db.execute(sql: "INSERT INTO probe (value) VALUES (?)", arguments: [value]) }
        }
        checkpointer.drain()
        #expect(checkpointer.runs == 2)
        let reopened = try Store(path: store.path)
        #expect(try reopened.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM probe") } == checkpointer.interval * 2 + 6)
    }

    @Test func anInMemoryStoreHasNoCheckpointer() throws {
        #expect(try Store(path: ":memory:").checkpointer == nil)
    }
}
