import ServiceLifecycle

/// Drains the alert outbox to every sink while the daemon runs; at graceful shutdown it stops the sinks and
/// flushes whatever the last ingests owed to the alert file before the daemon exits (CONTRACT §4).
struct AlertDrainService: Service {
    let deliveries: AlertDelivery

    func run() async {
        deliveries.start()
        // The drain runs in the delivery's own task (a reload swaps the dispatcher under it); this service only
        // decides when it ends. Cancellation instead of a graceful shutdown also stops and flushes.
        try? await gracefulShutdown()
        await deliveries.stop()
    }
}
