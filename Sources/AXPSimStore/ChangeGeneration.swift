import GRDB
import Synchronization

/// A number that grows with every committed transaction that changed one of some tables: what
/// is kept in memory from a read of those tables is current as long as the number is the one read
/// just before that read began (a commit in between makes it differ, so nothing older than its
/// tag is ever kept).
///
/// A GRDB transaction observer of the tables: the first change of a transaction is noted (then it
/// stops listening until the next transaction, so a busy writer pays once per transaction, not
/// per row), and the commit moves the number before the writer returns. A savepoint rolled back
/// after a change still moves it (harmless: one more miss). SQLite's backup, which no observer
/// sees, must call ``advance()`` (snapshot restores).
public final class ChangeGeneration: TransactionObserver, Sendable {
    /// The tables whose changes move the number.
    public let tables: Set<String>

    private struct State {
        var value: UInt64 = 0
        var changedInTransaction = false
    }

    private let state = Mutex(State())

    /// A generation of `tables`.
    public init(tables: Set<String>) {
        self.tables = tables
    }

    /// The number now.
    public var current: UInt64 { state.withLock { $0.value } }

    /// Moves the number (for changes no observer sees).
    public func advance() {
        state.withLock { $0.value &+= 1 }
    }

    // MARK: TransactionObserver (called on the writer's queue)

    public func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        tables.contains(eventKind.tableName)
    }

    public func databaseDidChange() {
        state.withLock { $0.changedInTransaction = true }
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    public func databaseDidChange(with event: DatabaseEvent) {
        databaseDidChange()
    }

    public func databaseWillCommit() throws {}

    public func databaseDidCommit(_ db: Database) {
        state.withLock { state in
            if state.changedInTransaction { state.value &+= 1 }
            state.changedInTransaction = false
        }
    }

    public func databaseDidRollback(_ db: Database) {
        state.withLock { $0.changedInTransaction = false }
    }
}
