import NewswatchCore
import NewswatchDigest
import ServiceLifecycle

/// Writes the digests missed while the daemon was down, then each digest at its time, until graceful shutdown
/// (CONTRACT §5).
struct DigestService: Service {
    let publisher: DigestPublisher
    let clock: any NewswatchClock

    func run() async {
        await cancelWhenGracefulShutdown { await publisher.run(clock: clock) }
    }
}
