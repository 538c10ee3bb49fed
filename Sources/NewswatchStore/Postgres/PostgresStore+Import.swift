import Foundation
import GRDB
import PostgresNIO

// `newswatch store migrate` (CONTRACT §9): a SQLite state copied into an empty PostgreSQL database.
extension PostgresStore {
    /// Every SQLite table with state, parents before children (the foreign keys hold at each insert). Not
    /// `story_keys`: it indexes SQLite's alerted stories' keys, which PostgreSQL's unique `stories.key` does itself.
    static let importTables = [
        "feeds", "stories", "items", "item_rematches", "story_topics", "alerts", "deliveries", "fetch_events",
        "verdicts", "escalations", "spikes", "incidents", "operator_events", "event_deliveries", "sink_holds",
    ]

    /// Copies every table of `source` into this store, which must hold no data, in ONE transaction (a failure leaves
    /// the database as empty as it was), batched as multi-row inserts. Row ids are kept (`OVERRIDING SYSTEM VALUE`)
    /// and each identity continues after the highest id SQLite ever gave (its `sqlite_sequence` included), so alert
    /// and event sequence numbers mean the same on both sides. The copy locks the tables against writers, so two
    /// copies into one database cannot interleave (the second finds it not empty).
    ///
    /// The caller keeps the SQLite state still meanwhile (the command holds the daemon's run lock).
    /// - Throws: `StoreError(.invalidArgument)` when the database already holds data; `.database` otherwise.
    public func importState(from source: SQLiteStore, batchRows: Int = 1000) async throws -> ImportSummary {
        let copied = try await transaction("copy the SQLite state") { c -> ImportSummary in
            let tables = Self.importTables.map { "\"\($0)\"" }.joined(separator: ", ")
            try await c.query(
                PostgresQuery(unsafeSQL: "LOCK TABLE \(tables), daemons IN SHARE ROW EXCLUSIVE MODE"), logger: logger)
            try await requireEmpty(c)
            var summary = ImportSummary(tables: [])
            for table in Self.importTables {
                let rows = try await copyTable(table, from: source, into: c, batchRows: batchRows)
                summary.tables.append(ImportSummary.TableRows(table: table, rows: rows))
            }
            // The feeds' hosts for the per-host limit, as the migration that added the column derives them.
            try await c.query(PostgresQuery(unsafeSQL: Self.sharedHosts[1]), logger: logger)
            return summary
        }
        // A bulk load: the first daemons on the copy would otherwise plan without statistics (`PlannerStatistics`).
        try await PlannerStatistics.analyze(self)
        return copied
    }

    /// Throws unless every table the copy fills (and the daemon registry) is empty.
    private func requireEmpty(_ c: PostgresConnection) async throws {
        let probes = (Self.importTables + ["daemons"]).map { "SELECT '\($0)' WHERE EXISTS (SELECT 1 FROM \"\($0)\")" }
        let used = try await c.rows(PostgresQuery(unsafeSQL: probes.joined(separator: " UNION ALL ")), logger: logger)
            .map { try $0.decode(String.self) }
        guard used.isEmpty else {
            throw StoreError(
                .invalidArgument,
                "the database is not empty (\(used.joined(separator: ", ")) hold rows): store migrate copies into an "
                    + "empty database only; create a new one (createdb) and migrate into it", path: location.redacted)
        }
    }

    /// Copies one table in primary-key order, `batchRows` rows per insert; returns the rows copied.
    private func copyTable(
        _ table: String, from source: SQLiteStore, into c: PostgresConnection, batchRows: Int
    ) async throws -> Int {
        let (columns, keys, sequence) = try source.read { db -> ([String], [String], Int64?) in
            let info = try Row.fetchAll(db, sql: "PRAGMA table_info(\"\(table)\")")
            let columns: [String] = info.map { $0["name"] }
            let keys: [String] = info.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }
                .map { $0["name"] as String }
            let sequence =
                try db.tableExists("sqlite_sequence")
                ? try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [table])
                : nil
            return (columns, keys, sequence)
        }
        guard !columns.isEmpty, !keys.isEmpty else {
            throw StoreError(.database, "the SQLite state has no table \(table) with a primary key", path: source.path)
        }
        let target = try await targetColumns(table, c)
        let types = try columns.map { column in
            guard let type = target[column]?.type else {
                throw StoreError(
                    .database, "column \(table).\(column) has no place in PostgreSQL", path: location.redacted)
            }
            return type
        }
        let identity = columns.first { target[$0]?.identity == true }
        // SQLite's `stories.key` is not unique since `v5-story-keys`; PostgreSQL's is (its batched ingest salts on it).
        let renamed = table == "stories" ? try Self.duplicateStoryKeys(source) : [:]
        let (idColumn, keyColumn) = (columns.firstIndex(of: "id"), columns.firstIndex(of: "key"))
        let perInsert = max(1, min(batchRows, 60000 / columns.count))
        let select =
            "SELECT " + columns.map { "\"\($0)\"" }.joined(separator: ", ") + " FROM \"\(table)\""
        let order = keys.map { "\"\($0)\"" }.joined(separator: ", ")
        var after: [DatabaseValue]?
        var copied = 0
        while true {
            var batch = try source.read { db -> [[DatabaseValue]] in
                let sql =
                    select
                    + (after == nil ? "" : " WHERE (\(order)) > (\(keys.map { _ in "?" }.joined(separator: ", ")))")
                    + " ORDER BY \(order) LIMIT \(perInsert)"
                let arguments = StatementArguments((after ?? []).map { $0 as (any DatabaseValueConvertible)? })
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map { Array($0.databaseValues) }
            }
            guard let last = batch.last else { break }
            if !renamed.isEmpty, let idColumn, let keyColumn {
                for (n, row) in batch.enumerated() {
                    if let id = Int64.fromDatabaseValue(row[idColumn]), let key = renamed[id] {
                        batch[n][keyColumn] = key.databaseValue
                    }
                }
            }
            try await c.query(
                Self.insert(table, columns: columns, types: types, identity: identity != nil, rows: batch),
                logger: logger)
            copied += batch.count
            after = keys.map { key in last[columns.firstIndex(of: key)!] }
            if batch.count < perInsert { break }
        }
        if let identity {
            try await c.query(
                """
                SELECT setval(pg_get_serial_sequence(\(table), \(identity)), m, true)
                FROM (SELECT GREATEST((SELECT max(\(unescaped: "\"\(identity)\"")) FROM \(unescaped: "\"\(table)\"")),
                    \(sequence)::bigint) AS m) AS s
                WHERE m > 0
                """, logger: logger)
        }
        return copied
    }

    /// New keys for the stories of `source` that share a key with another (an item reborn beside its unalerted old
    /// story, possible since `v5-story-keys`), by story id: the alerted one (`story_keys`), else the oldest, keeps
    /// the key, alerts and escalations name it; each other gets the key salted with its id.
    static func duplicateStoryKeys(_ source: SQLiteStore) throws -> [Int64: String] {
        try source.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.id, s.key FROM stories s LEFT JOIN story_keys k ON k.story_id = s.id
                    WHERE s.key IN (SELECT key FROM stories GROUP BY key HAVING COUNT(*) > 1)
                    ORDER BY s.key, k.story_id IS NULL, s.id
                    """)
            var renamed: [Int64: String] = [:]
            var previous: String?
            for row in rows {
                let (id, key): (Int64, String) = (row[0], row[1])
                if key == previous { renamed[id] = ContentHash.hex(fields: ["story", key, "import", String(id)]) }
                previous = key
            }
            return renamed
        }
    }

    /// The PostgreSQL columns of `table`: their types (as a cast names them) and whether each is an identity.
    private func targetColumns(
        _ table: String, _ c: PostgresConnection
    ) async throws -> [String: (type: String, identity: Bool)] {
        let rows = try await c.rows(
            """
            SELECT column_name, data_type, is_identity FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(table)
            """, logger: logger)
        var columns: [String: (type: String, identity: Bool)] = [:]
        for row in rows {
            let (name, type, identity) = try row.decode((String, String, String).self)
            columns[name] = (type, identity == "YES")
        }
        return columns
    }

    /// One multi-row insert; each value cast to its column's type (SQLite's loose storage classes become
    /// PostgreSQL's; its 0/1 booleans become `boolean`).
    static func insert(
        _ table: String, columns: [String], types: [String], identity: Bool, rows: [[DatabaseValue]]
    ) -> PostgresQuery {
        var binds = PostgresBindings(capacity: rows.count * columns.count)
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        for row in rows {
            var cells: [String] = []
            for (value, type) in zip(row, types) {
                switch value.storage {
                case .null: binds.appendNull()
                case .int64(let v) where type == "boolean": binds.append(v != 0)
                case .int64(let v): binds.append(v)
                case .double(let v): binds.append(v)
                case .string(let v): binds.append(v)
                case .blob(let data): binds.append(String(decoding: data, as: UTF8.self))
                }
                cells.append("$\(binds.count)::\(type)")
            }
            tuples.append("(" + cells.joined(separator: ", ") + ")")
        }
        let sql =
            "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ")"
            + (identity ? " OVERRIDING SYSTEM VALUE" : "") + " VALUES " + tuples.joined(separator: ", ")
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}
