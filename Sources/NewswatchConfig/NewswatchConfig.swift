import Foundation
import NewswatchCore

/// The whole validated configuration: one immutable value the daemon runs on and replaces on reload.
public struct NewswatchConfig: Sendable, Equatable {
    /// Where the configuration came from.
    public enum Origin: Sendable, Equatable, CustomStringConvertible {
        /// A file, found through `--config`, `$NEWSWATCH_CONFIG` or the system path.
        case file(URL)
        /// The default compiled into the binary.
        case embedded

        /// The file's path, or the embedded config's name.
        public var description: String {
            switch self {
            case .file(let u): return u.path
            case .embedded: return ConfigLoader.embeddedName
            }
        }
    }

    /// Where it came from.
    public var origin: Origin
    /// The `[daemon]` table.
    public var daemon: DaemonSettings
    /// The `[digest]` table.
    public var digest: DigestSettings
    /// Every feed, `[[feeds]]` entries and OPML-listed feeds, in file order, without duplicates.
    public var feeds: [FeedConfig]
    /// Queries as written (validated).
    public var topics: [TopicDefinition]
    /// `[[alerts.sinks]]` besides the always-on file sink.
    public var sinks: [SinkConfig]
    /// The `[metrics]` table: the Prometheus endpoint, off unless `listen` is set.
    public var metrics = MetricsSettings()
    /// The `[store]` table: SQLite in `state_dir` unless `url` names a shared PostgreSQL database.
    public var store = StoreSettings()

    /// A configuration from its parts.
    public init(
        origin: Origin, daemon: DaemonSettings, digest: DigestSettings = DigestSettings(), feeds: [FeedConfig] = [],
        topics: [TopicDefinition] = [], sinks: [SinkConfig] = []
    ) {
        self.origin = origin
        self.daemon = daemon
        self.digest = digest
        self.feeds = feeds
        self.topics = topics
        self.sinks = sinks
    }
}
