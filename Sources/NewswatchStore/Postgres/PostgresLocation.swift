import Foundation

/// Where a PostgreSQL store lives: `[store] url` (`postgresql://user@host:port/db`) and the optional
/// `password_file`. The URL carries no password (a secret never sits in the config file or in any output).
public struct PostgresLocation: Sendable, Equatable {
    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    /// The password, read from `password_file` (its first line); `nil` without one.
    public var password: String?

    /// A location made of its parts.
    public init(user: String, host: String, port: Int = 5432, database: String, password: String? = nil) {
        self.user = user
        self.host = host
        self.port = port
        self.database = database
        self.password = password
    }

    /// Parses `postgresql://user@host[:port]/database` (`postgres://` too) and reads `passwordFile` if given.
    /// - Throws: `StoreError(.invalidArgument)` for anything else, a password in the URL included;
    ///   `StoreError(.open)` when the password file cannot be read.
    public init(url text: String, passwordFile: String? = nil) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "postgresql" || scheme == "postgres"
        else {
            throw StoreError(.invalidArgument, "store url must look like postgresql://user@host:port/database")
        }
        guard components.password == nil else {
            throw StoreError(.invalidArgument, "store url must not carry a password: use password_file")
        }
        guard let user = components.user, !user.isEmpty, let host = components.host, !host.isEmpty else {
            throw StoreError(.invalidArgument, "store url needs a user and a host: postgresql://user@host/database")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw StoreError(.invalidArgument, "store url needs a database name: postgresql://user@host/database")
        }
        guard components.query == nil, components.fragment == nil else {
            throw StoreError(.invalidArgument, "store url takes no query or fragment")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw StoreError(.invalidArgument, "store url port out of range") }
        var password: String?
        if let passwordFile {
            do {
                let text = try String(contentsOfFile: passwordFile, encoding: .utf8)
                password = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
            } catch {
                throw StoreError(.open, "cannot read password_file \(passwordFile): \(error.localizedDescription)")
            }
        }
        self.init(
            user: user.removingPercentEncoding ?? user, host: host, port: port,
            database: database.removingPercentEncoding ?? database, password: password)
    }

    /// The URL without any secret, for messages (`postgresql://user@host:port/db`).
    public var redacted: String { "postgresql://\(user)@\(host):\(port)/\(database)" }
}
