import Foundation

/// What `newswatch store migrate` copied from a SQLite state into PostgreSQL: rows per table.
public struct ImportSummary: Sendable, Equatable, CustomStringConvertible {
    /// Rows copied per table, in copy order.
    public var tables: [TableRows]

    /// The rows copied into one table.
    public struct TableRows: Sendable, Equatable {
        public var table: String
        public var rows: Int
    }

    /// The rows copied into `table` (0 for a table not copied).
    public func rows(_ table: String) -> Int { tables.first { $0.table == table }?.rows ?? 0 }

    /// One line: the total, then each table's count, e.g. `42 rows: feeds 2, stories 5, items 6, …`.
    public var description: String {
        "\(tables.reduce(0) { $0 + $1.rows }) rows: "
            + tables.map { "\($0.table) \($0.rows)" }.joined(separator: ", ")
    }
}
