import Foundation

/// The `[store]` table (CONTRACT §9): SQLite in `state_dir` unless `url` names a PostgreSQL database shared by
/// several daemons.
public struct StoreSettings: Sendable, Equatable {
    /// `postgresql://user@host:port/database` (no password in it); `nil`: SQLite in `state_dir`.
    public var url: String?
    /// The file whose first line is the database password (a bare name is a systemd credential); `nil`: none.
    public var passwordFile: URL?
    /// How long a daemon holds a claimed feed before another may take it over (default 2 minutes).
    public var lease = ConfigDuration(seconds: 120)

    /// SQLite in `state_dir`.
    public init() {}

    /// Whether the store is shared by several daemons (PostgreSQL).
    public var isShared: Bool { url != nil }
}
