import Foundation
import Logging
import NewswatchConfig
import NewswatchCore
import NewswatchStore

#if canImport(Glibc)
    import Glibc
#endif

extension Commands {
    /// `run`: the daemon until SIGTERM/SIGINT, or one round with `once` (CONTRACT §7). `logLevel` (the flag) wins
    /// over the config's `log_level`. A failed round with `once` is a `failure`; other errors are rethrown as is.
    public static func run(
        configPath: String?, once: Bool, logLevel: Logger.Level?, version: String = "unknown"
    ) async throws {
        var logger = Logger(label: "newswatch")
        logger.logLevel = logLevel ?? .info
        let loaded = try CommandConfig.load(configPath, logger: logger)
        if logLevel == nil { logger.logLevel = loaded.config.daemon.logLevel }
        if let warning = OffsetClock.environmentWarning() { logger.warning("\(warning)") }

        let runtime: DaemonRuntime
        do {
            runtime = try await DaemonRuntime(
                loaded: loaded, logger: logger, clock: OffsetClock.fromEnvironment(), version: version)
        } catch let error as RunLockError {
            throw CommandError(.failure, "\(error)")
        } catch let error as ConfigError {
            throw CommandError(error)
        } catch {
            throw CommandError(.failure, "cannot start: \(error)")
        }
        guard once else {
            do {
                try await runtime.runService()
                await runtime.opened.close()
                return
            } catch let error as ServiceError {
                // The metrics endpoint cannot listen: one error line, exit 1, before anything was polled.
                await runtime.opened.close()
                throw CommandError(.failure, "\(error)")
            }
        }
        let summary: RoundSummary
        var presence: StorePresence?
        do {
            presence = try await RunOnceStoreHold.take(runtime)
            summary = try await runtime.runOnce()
            await presence?.release()
            await runtime.opened.close()
        } catch {
            await presence?.release()
            await runtime.opened.close()
            throw error
        }
        logger.info(
            "round done",
            metadata: [
                "feeds": "\(summary.feeds)", "failed": "\(summary.failed)", "new": "\(summary.newItems)",
                "alerts": "\(summary.alerts)", "store_cpu_s": "\((summary.storeCPUSeconds * 100).rounded() / 100)",
            ])
        if let reason = summary.failureReason { throw CommandError(.failure, "run --once: \(reason)") }
    }
}
