import Logging
import NewswatchConfig
import NewswatchCore
import NewswatchDigest
import NewswatchStore

extension DigestPublisher {
    /// The publisher for a config (digest time, zone, formats, output directory).
    public init(config: NewswatchConfig, store: any Store, logger: Logger) {
        self.init(
            store: store, topics: config.topics,
            schedule: DigestSchedule(time: config.digest.time, timeZone: config.digest.timeZone),
            writer: DigestWriter(outputDirectory: config.daemon.outputDirectory, formats: config.digest.formats),
            logger: logger)
        backfill = config.daemon.backfill.timeInterval
    }
}
