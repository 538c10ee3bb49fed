import Foundation
import NewswatchConfig
import NewswatchStore

/// The configured store, open: SQLite in `state_dir` (its blocking calls offloaded) or the PostgreSQL database
/// several daemons share (`[store] url`, CONTRACT §9).
public struct OpenedStore: Sendable {
    /// The store every caller awaits.
    public let store: any Store
    /// The SQLite store when that is the backend (tools that read its file directly); `nil` on PostgreSQL.
    public let sqlite: SQLiteStore?
    /// The PostgreSQL store when that is the backend (leases, the daemon registry, the leader); `nil` on SQLite.
    public let postgres: PostgresStore?

    /// Closes the connections (PostgreSQL); the store is unusable afterwards.
    public func close() async {
        await postgres?.close()
    }
}

/// Opens the store `[store]` names, for the daemon and for every command that reads or writes state.
public enum StoreOpener {
    /// How a command uses the store.
    public enum Access: Sendable {
        /// The daemon and `digest`: reads and writes; creates the SQLite file and its schema.
        case readWrite
        /// `status`, `match --stored`, `eval --feedback`: beside a running daemon, never writing (SQLite waits
        /// `busyTimeout` seconds for the daemon's write lock).
        case readOnly(busyTimeout: Double)
        /// `feedback`: one small write beside a running daemon.
        case shared(busyTimeout: Double)
    }

    /// Opens the configured store. SQLite: `<state_dir>/newswatch.sqlite` (the caller checks that it exists where
    /// a missing file means "the daemon has not run"); PostgreSQL: connects, migrates, and fails with the server's
    /// words and the URL without any secret.
    /// `claims`: a daemon's owner and lease, so that its outbox reads claim what they return (PostgreSQL only).
    public static func open(_ config: NewswatchConfig, access: Access, claims: DeliveryClaims? = nil) async throws
        -> OpenedStore
    {
        if let url = config.store.url {
            let location = try PostgresLocation(url: url, passwordFile: config.store.passwordFile?.path)
            let postgres = try await PostgresStore(location: location, claims: claims)
            return OpenedStore(store: postgres, sqlite: nil, postgres: postgres)
        }
        let path = StatePaths(config.daemon).database.path
        let sqlite: SQLiteStore
        switch access {
        case .readWrite: sqlite = try SQLiteStore(path: path)
        case .readOnly(let timeout):
            sqlite = try SQLiteStore(path: path, options: .init(readOnly: true, busyTimeout: timeout))
        case .shared(let timeout):
            sqlite = try SQLiteStore(path: path, options: .init(readOnly: false, busyTimeout: timeout))
        }
        return OpenedStore(store: OffloadedStore(sqlite), sqlite: sqlite, postgres: nil)
    }
}
