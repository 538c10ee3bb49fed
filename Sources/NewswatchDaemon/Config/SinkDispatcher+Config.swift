import Logging
import NewswatchAlerts
import NewswatchConfig
import NewswatchCore
import NewswatchStore

extension SinkDispatcher {
    /// The dispatcher for a loaded config: the file sink in `output_dir` (dated in the digest time zone) and every
    /// `[[alerts.sinks]]` entry over `transport`.
    /// - Throws: `ConfigError` when a `secret_file` or `password_file` cannot be read.
    package convenience init(
        config: NewswatchConfig, store: any Store, transport: any AlertTransport,
        clock: any NewswatchClock = SystemClock(), logger: Logger
    ) throws(ConfigError) {
        let sinks = try ConfiguredSink.make(from: config.sinks, transport: transport, logger: logger)
        self.init(
            sinks: sinks,
            fileSink: FileAlertSink(
                outputDirectory: config.daemon.outputDirectory, timeZone: config.digest.timeZone, store: store),
            store: store, clock: clock,
            deliveries: Dictionary(config.topics.map { ($0.id, $0.delivery) }, uniquingKeysWith: { first, _ in first }),
            logger: logger)
    }
}
