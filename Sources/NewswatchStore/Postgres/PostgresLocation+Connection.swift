import Foundation
import PostgresNIO

extension PostgresLocation {
    /// The settings of one connection outside the pool (the store's probe, the leader lock): plain TCP, a 10 s connect
    /// timeout, ``sessionParameters``.
    var connectionConfiguration: PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = Self.sessionParameters
        return configuration
    }

    /// Server settings every session of ours starts with: keepalives on the server's side of the socket (idle 10 s,
    /// then every 5 s, 3 missed) and a 30 s limit on unacknowledged data, so that a daemon whose host vanished (power,
    /// network) loses its session — and with it its row locks, the ingest's story lock and the leader's advisory
    /// lock — within about half a minute instead of the kernel's default two hours.
    ///
    /// Not `idle_in_transaction_session_timeout`: a session the server ends while PostgresNIO holds it leased in a
    /// transaction leaves the next statement (the COMMIT) waiting forever (PostgresNIO 1.33.2, seen in a test), so a
    /// frozen daemon that resumed would hang instead of failing one write.
    static let sessionParameters: [(String, String)] = [
        ("tcp_keepalives_idle", "10"), ("tcp_keepalives_interval", "5"), ("tcp_keepalives_count", "3"),
        ("tcp_user_timeout", "30000"),
    ]
}
