import Foundation
import PostgresNIO

extension PostgresLocation {
    /// The settings of one connection outside the pool (the store's probe, the leader lock): plain TCP, a 10 s connect
    /// timeout.
    var connectionConfiguration: PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}
