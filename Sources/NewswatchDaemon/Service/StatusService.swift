import ServiceLifecycle

/// Refreshes systemd's one-line `STATUS=` every minute until graceful shutdown (CONTRACT §7).
struct StatusService: Service {
    let runtime: DaemonRuntime

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                runtime.notifier.status(await runtime.statusLine())
                try? await Task.sleep(nanoseconds: 60_000_000_000)
            }
        }
    }
}
