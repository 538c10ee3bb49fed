import Foundation
import GRDB
import PostgresNIO

// A table's rows as plain text on both backends, so a copy can be compared field by field (`store migrate`'s tests).
// Values are normalised alike: integers in decimal, reals as Swift prints a `Double`, booleans as `1`/`0`, NULL as
// `nil`; rows in primary-key order (SQLite's).

extension SQLiteStore {
    /// Every row of `table`, its columns as SQLite lists them, ordered by primary key.
    func dumpTable(_ table: String) throws -> (columns: [String], rows: [[String?]]) {
        try read { db -> (columns: [String], rows: [[String?]]) in
            let info = try Row.fetchAll(db, sql: "PRAGMA table_info(\"\(table)\")")
            let columns: [String] = info.map { $0["name"] }
            let keys: [String] = info.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }
                .map { "\"\($0["name"] as String)\"" }
            let sql =
                "SELECT " + columns.map { "\"\($0)\"" }.joined(separator: ", ") + " FROM \"\(table)\" ORDER BY "
                + keys.joined(separator: ", ")
            var rows: [[String?]] = []
            for row in try Row.fetchAll(db, sql: sql) {
                rows.append(row.databaseValues.map(Self.text))
            }
            return (columns, rows)
        }
    }

    /// A SQLite value as text: integers in decimal, reals as a `Double` prints, NULL as `nil`.
    static func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: return nil
        case .int64(let v): return String(v)
        case .double(let v): return String(v)
        case .string(let v): return v
        case .blob(let data): return String(decoding: data, as: UTF8.self)
        }
    }
}

extension PostgresStore {
    /// The rows of `table` restricted to `columns` (SQLite's), in `order` (its primary-key columns), normalised as
    /// ``SQLiteStore/dumpTable(_:)`` does.
    func dumpTable(_ table: String, columns: [String], order: [String]) async throws -> [[String?]] {
        let types = try await self.rows(
            """
            SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(table)
            """, "read columns")
        var typeOf: [String: String] = [:]
        for row in types {
            let (name, type) = try row.decode((String, String).self)
            typeOf[name] = type
        }
        let select = columns.map { column in
            typeOf[column] == "boolean" ? "(\"\(column)\")::int::text" : "(\"\(column)\")::text"
        }
        let rows = try await self.rows(
            PostgresQuery(
                unsafeSQL: "SELECT " + select.joined(separator: ", ") + " FROM \"\(table)\" ORDER BY "
                    + order.map { typeOf[$0] == "text" ? "\"\($0)\" COLLATE \"C\"" : "\"\($0)\"" }
                    .joined(separator: ", ")), "dump \(table)")
        return try rows.map { row in
            try zip(row, columns).map { cell, column in
                let text = try cell.decode(String?.self)
                guard typeOf[column] == "double precision", let text, let value = Double(text) else { return text }
                return String(value)
            }
        }
    }
}
