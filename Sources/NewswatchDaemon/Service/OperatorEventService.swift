import Foundation
import NewswatchConfig
import NewswatchCore
import NewswatchSystem
import ServiceLifecycle

/// Runs ``OperatorWatch`` (spikes, feed and sink events, the event outbox) every few seconds until graceful
/// shutdown: a quarter of `daemon.feed_down_after`, from 1 s to 30 s.
struct OperatorEventService: Service {
    let watch: OperatorWatch
    let loaded: Locked<LoadedConfig>
    let deliveries: AlertDelivery
    let clock: any NewswatchClock

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let config = loaded.withLock { $0.config }
                if await watch.check(
                    config: config, sinks: deliveries.sinks, alertRoutes: deliveries.routes, now: clock.now(),
                    sending: .inBackground)
                {
                    deliveries.wake()
                }
                let pause = min(30, max(1, config.daemon.feedDownAfter.timeInterval / 4))
                try? await Task.sleep(nanoseconds: UInt64(pause * 1e9))
            }
        }
        watch.stop()
    }
}
