import Foundation
import Logging
import NewswatchCore
import NewswatchStore

/// Moves owed alerts from the store's outbox to the sinks. The file sink is the record: it is drained after every
/// ingest that created alerts, and flushed once more at shutdown.
final class AlertDelivery: Sendable {
    private let store: any Store
    private let clock: any NewswatchClock
    private let logger: Logger
    private let file: Locked<FileAlertSink>
    private let wakeups: AsyncStream<Void>.Continuation
    private let events: AsyncStream<Void>

    init(config: NewswatchConfig, store: any Store, clock: any NewswatchClock, logger: Logger) {
        self.store = store
        self.clock = clock
        self.logger = logger
        file = Locked(
            FileAlertSink(
                outputDirectory: config.daemon.outputDirectory, timeZone: config.digest.timeZone, store: store))
        (events, wakeups) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The sinks every ingest owes deliveries to.
    var routes: [SinkRoute] { [.file] }

    /// New alerts are in the outbox.
    func wake() { wakeups.yield() }

    /// A new config: the file sink's time zone may have changed.
    func reload(_ config: NewswatchConfig) {
        file.withLock {
            $0 = FileAlertSink(
                outputDirectory: config.daemon.outputDirectory, timeZone: config.digest.timeZone, store: store)
        }
    }

    /// Drains on every wake until cancelled.
    func run() async {
        flushFile()
        for await _ in events {
            if Task.isCancelled { break }
            flushFile()
        }
    }

    /// `run --once`: every owed alert to the file.
    func deliverOnce(deadline: Date) async {
        flushFile()
    }

    /// Writes every owed alert to the alert files now; a failure is logged and retried at the next wake.
    func flushFile() {
        do {
            let written = try file.withLock { try $0.drain(at: clock.now()) }
            for alert in written {
                logger.notice(
                    "alert: \(alert.title ?? "(untitled)")",
                    metadata: ["topic": "\(alert.topic)", "feed": "\(alert.feed)", "alert": "\(alert.id)"])
            }
        } catch {
            logger.error("alert file sink: \(error)")
        }
    }

    /// Deliveries still owed, for STATUS=.
    func pendingCount() -> Int {
        ((try? store.sinkSummaries()) ?? []).reduce(0) { $0 + $1.pending }
    }
}
