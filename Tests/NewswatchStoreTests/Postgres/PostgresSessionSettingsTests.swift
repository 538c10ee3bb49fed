import Foundation
import Logging
import NewswatchTestSupport
import PostgresNIO
import Testing

@testable import NewswatchStore

/// Every session of ours tells the server to let go of a daemon whose host vanished (keepalives), on a real
/// PostgreSQL 15.
@Suite struct PostgresSessionSettingsTests {
    static let expected = [
        "tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5", "tcp_keepalives_count": "3",
        "tcp_user_timeout": "30000",
    ]

    static func settings(_ rows: [PostgresRow]) throws -> [String: String] {
        var found: [String: String] = [:]
        for row in rows {
            let (name, value) = try row.decode((String, String).self)
            found[name] = value
        }
        return found
    }

    static let query: PostgresQuery = """
        SELECT name, current_setting(name) FROM pg_settings
        WHERE name IN ('tcp_keepalives_idle', 'tcp_keepalives_interval', 'tcp_keepalives_count', 'tcp_user_timeout')
        """

    @Test func poolAndDedicatedConnectionsCarryTheSettings() async throws {
        let location = try PostgresLocation(url: try PostgresCluster.makeDatabase())
        let store = try await PostgresStore(location: location)
        let pooled = try Self.settings(try await store.rows(Self.query, "settings"))
        #expect(pooled == Self.expected, "\(pooled)")
        await store.close()
        // The leader lock's and the probe's own connection.
        let connection = try await PostgresConnection.connect(
            configuration: location.connectionConfiguration, id: 9, logger: Logger(label: "test"))
        let rows = try await connection.query(Self.query, logger: Logger(label: "test")).collect()
        let dedicated = try Self.settings(rows)
        #expect(dedicated == Self.expected, "\(dedicated)")
        try await connection.close()
    }
}
