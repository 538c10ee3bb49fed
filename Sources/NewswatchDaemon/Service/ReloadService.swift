import ServiceLifecycle
import UnixSignals

/// Reloads the config on every SIGHUP until graceful shutdown (CONTRACT §6: all or nothing, `RELOADING=1` then
/// `READY=1`).
struct ReloadService: Service {
    let runtime: DaemonRuntime
    /// Trapped before the group starts, so a SIGHUP right after `READY=1` does not end the process.
    let hangups: UnixSignalsSequence

    func run() async {
        await cancelWhenGracefulShutdown {
            for await _ in hangups { await runtime.reload() }
        }
    }
}
