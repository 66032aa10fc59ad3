import GRDB

/// Rows read straight into values.
///
/// `Row.fetchOne`/`fetchAll` copy each row before handing it over, and a copied row finds a column
/// by name by lower-casing every column name on every lookup. Here each row is mapped while it is
/// still the statement's own row, whose name lookups go through the statement's index of its
/// columns (built once). `transform` must not keep the row it is given.
extension Row {
    /// The first row of `statement`, mapped by `transform`; nil when there is none.
    static func mapOne<T>(_ statement: Statement, arguments: StatementArguments = StatementArguments(), _ transform: (Row) throws -> T) throws -> T? {
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        guard let row = try cursor.next() else { return nil }
        return try transform(row)
    }

    /// Every row of `statement`, mapped by `transform`.
    static func mapAll<T>(_ statement: Statement, arguments: StatementArguments = StatementArguments(), _ transform: (Row) throws -> T) throws -> [T] {
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        var values: [T] = []
        while let row = try cursor.next() { values.append(try transform(row)) }
        return values
    }

    /// ``mapOne(_:arguments:_:)`` of an SQL text (prepared for this call only).
    static func mapOne<T>(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments(), _ transform: (Row) throws -> T) throws -> T? {
        try mapOne(try db.makeStatement(sql: sql), arguments: arguments, transform)
    }

    /// ``mapAll(_:arguments:_:)`` of an SQL text (prepared for this call only).
    static func mapAll<T>(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments(), _ transform: (Row) throws -> T) throws -> [T] {
        try mapAll(try db.makeStatement(sql: sql), arguments: arguments, transform)
    }
}
