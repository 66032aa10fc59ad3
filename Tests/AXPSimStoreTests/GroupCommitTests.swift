@testable import AXPSimStore
import Foundation
import GRDB
import Synchronization
import Testing

/// Group commit (`Store.chatGroupWrite`): writers queued while another transaction runs share the
/// next one, each in its own savepoint.
@Suite struct GroupCommitTests {
    struct Refused: Error, Equatable {}

    final class Outcomes: Sendable {
        let results = Mutex<[Int: Result<Int, Refused>]>([:])
    }

    func temporaryStore() throws -> Store {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("axpsim-group-\(UUID().uuidString)/state.sqlite").path
        let store = try Store(path: path)
        try store.write { db in try db.execute(sql: "CREATE TABLE probe (value INTEGER NOT NULL)") }
        return store
    }

    /// Spins until `count` writers wait in the queue (no timing involved: the queue is the fact).
    func waitUntilQueued(_ store: Store, _ count: Int) {
        while store.groupCommit.state.withLock({ $0.queue.count }) < count { sched_yield() }
    }

    @Test func aFailingWriteRollsBackAloneAndTheRestOfItsBatchCommits() throws {
        let store = try temporaryStore()
        let outcomes = Outcomes()
        let leaderInside = DispatchSemaphore(value: 0)
        let releaseLeader = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        let before = store.groupCommit.state.withLock { $0.transactions }
        // Threads of their own (blocked writers must not starve a shared pool). The first writer
        // leads and holds its transaction open until the others are queued.
        finished.enter()
        Thread {
            defer { finished.leave() }
            let value = Result<Int, any Error> {
                try store.chatGroupWrite { tx in
                    leaderInside.signal()
                    releaseLeader.wait()
                    try tx.db.execute(sql: "INSERT INTO probe (value) VALUES (0)")
                    return 0
                }
            }.mapError { $0 as? Refused ?? Refused() }
            outcomes.results.withLock { $0[0] = value }
        }.start()
        leaderInside.wait()
        for value in 1...3 {
            finished.enter()
            Thread {
                defer { finished.leave() }
                let result = Result<Int, any Error> {
                    try store.chatGroupWrite { tx in
                        try tx.db.execute(sql: "INSERT INTO probe (value) VALUES (?)", arguments: [value])
                        if value == 2 { throw Refused() }  // after its own write: rolled back to its savepoint
                        return value
                    }
                }
                outcomes.results.withLock { $0[value] = result.mapError { $0 as? Refused ?? Refused() } }
            }.start()
            waitUntilQueued(store, value)
        }
        releaseLeader.signal()
        finished.wait()
        let results = outcomes.results.withLock { $0 }
        #expect(results[0] == .success(0))
        #expect(results[1] == .success(1))
        #expect(results[2] == .failure(Refused()))
        #expect(results[3] == .success(3))
        let rows = try store.read { db in try Int.fetchAll(db, sql: "SELECT value FROM probe ORDER BY rowid") }
        #expect(rows == [0, 1, 3], "in queue order, without the failed write")
        let transactions = store.groupCommit.state.withLock { $0.transactions } - before
        #expect(transactions == 2, "the three queued writes shared one transaction")
    }

    @Test func everyConcurrentWriteCommitsOnceInQueueOrderPerWriter() throws {
        let store = try temporaryStore()
        let writers = 8
        let each = 50
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            for n in 0..<each {
                let value = writer * 1000 + n
                let stored = Result {
                    try store.chatGroupWrite { tx -> Int in
                        try tx.db.execute(sql: "INSERT INTO probe (value) VALUES (?)", arguments: [value])
                        return value
                    }
                }
                switch stored {
                case .success(let returned): #expect(returned == value)
                case .failure(let error): Issue.record(error, "write \(value) failed")
                }
            }
        }
        let rows = try store.read { db in try Int.fetchAll(db, sql: "SELECT value FROM probe ORDER BY rowid") }
        #expect(rows.count == writers * each)
        #expect(Set(rows).count == rows.count, "none doubled")
        for writer in 0..<writers {
            let own = rows.filter { $0 / 1000 == writer }
            #expect(own == (0..<each).map { writer * 1000 + $0 }, "a writer's writes commit in its order")
        }
    }
}
