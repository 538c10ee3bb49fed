import Foundation
import Logging
import NewswatchCore

/// The `[daemon]` table (CONTRACT §6), with every default applied and every path absolute.
public struct DaemonSettings: Sendable, Equatable {
    /// Where the SQLite database and the run lock live.
    public var stateDirectory: URL
    /// Where `alerts/` and `digests/` are written; defaults to `stateDirectory`.
    public var outputDirectory: URL
    /// The poll interval of a feed that sets none.
    public var interval: ConfigDuration
    /// Simultaneous fetches (at most 2 per host).
    public var concurrency: Int
    /// The `User-Agent` header of every fetch.
    public var userAgent: String
    /// Items last seen longer ago than this are pruned.
    public var retention: ConfigDuration
    /// On a feed's first fetch, items published longer ago than this are stored, not alerted.
    public var backfill: ConfigDuration
    /// A feed failing or silent this long raises `feed_down` (CONTRACT §10 `daemon.feed_down_after`).
    public var feedDownAfter = ConfigDuration(seconds: 3600)
    /// Whether feeds and redirects may resolve to loopback, private or link-local addresses.
    public var allowPrivateNetworks: Bool
    /// The TCP and TLS connect phase.
    public var connectTimeout: ConfigDuration
    /// The whole transfer.
    public var timeout: ConfigDuration
    /// The decoded body cap.
    public var maxBody: ByteSize
    /// The most items one poll of one feed ingests (the newest); a longer feed is truncated with a warning.
    public var maxItems: Int
    /// The lowest level logged.
    public var logLevel: Logger.Level

    /// `daemon.interval` when unset.
    public static let defaultInterval = ConfigDuration(seconds: 600)
    /// `daemon.concurrency` when unset.
    public static let defaultConcurrency = 16
    /// `daemon.user_agent` when unset.
    public static let defaultUserAgent = "newswatch/1.0"
    /// `daemon.retention` when unset.
    public static let defaultRetention = ConfigDuration(seconds: 30 * 86400)
    /// `daemon.backfill` when unset.
    public static let defaultBackfill = ConfigDuration(seconds: 6 * 3600)
    /// `daemon.connect_timeout` when unset.
    public static let defaultConnectTimeout = ConfigDuration(seconds: 10)
    /// `daemon.timeout` when unset.
    public static let defaultTimeout = ConfigDuration(seconds: 30)
    /// `daemon.max_body` when unset.
    public static let defaultMaxBody = ByteSize(bytes: 10 << 20)
    /// `daemon.max_items` when unset.
    public static let defaultMaxItems = 1000

    /// The settings with every unset key at its default; `outputDirectory` defaults to the state directory.
    public init(
        stateDirectory: URL, outputDirectory: URL? = nil, interval: ConfigDuration = defaultInterval,
        concurrency: Int = defaultConcurrency, userAgent: String = defaultUserAgent,
        retention: ConfigDuration = defaultRetention, backfill: ConfigDuration = defaultBackfill,
        allowPrivateNetworks: Bool = false, connectTimeout: ConfigDuration = defaultConnectTimeout,
        timeout: ConfigDuration = defaultTimeout, maxBody: ByteSize = defaultMaxBody, maxItems: Int = defaultMaxItems,
        logLevel: Logger.Level = .info
    ) {
        self.stateDirectory = stateDirectory
        self.outputDirectory = outputDirectory ?? stateDirectory
        self.interval = interval
        self.concurrency = concurrency
        self.userAgent = userAgent
        self.retention = retention
        self.backfill = backfill
        self.allowPrivateNetworks = allowPrivateNetworks
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxBody = maxBody
        self.maxItems = maxItems
        self.logLevel = logLevel
    }

    /// The state directory used when the config names none: `$STATE_DIRECTORY` (systemd's `StateDirectory=`;
    /// the first entry where it lists several), else `$XDG_STATE_HOME/newswatch`, else
    /// `~/.local/state/newswatch`.
    public static func defaultStateDirectory(environment: [String: String]) -> URL {
        if let list = environment["STATE_DIRECTORY"],
            let first = list.split(separator: ":").first(where: { !$0.isEmpty })
        {
            return URL(fileURLWithPath: String(first), isDirectory: true)
        }
        // The XDG spec says a relative value is invalid and must be ignored.
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("newswatch", isDirectory: true)
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true)
            .appendingPathComponent(".local/state/newswatch", isDirectory: true)
    }
}
