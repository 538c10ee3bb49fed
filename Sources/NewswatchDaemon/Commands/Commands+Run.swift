import Foundation
import Logging
import NewswatchConfig
import NewswatchCore

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
        do {
            try await refuseBesideRunningDaemons(runtime)
            summary = try await runtime.runOnce()
            await runtime.opened.close()
        } catch {
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

    /// `--once` polls every feed now, whatever its lease: beside daemons sharing the store it would poll their feeds a
    /// second time within an interval (CONTRACT §9), so it refuses, naming them.
    private static func refuseBesideRunningDaemons(_ runtime: DaemonRuntime) async throws {
        guard let postgres = runtime.opened.postgres else { return }
        let running = try await SharedMembership.running(on: postgres, at: Date())
        guard running.isEmpty else {
            let names = running.map { "\($0.hostName) PID \($0.pid)" }.joined(separator: ", ")
            throw CommandError(
                .failure,
                "run --once: \(running.count) daemon(s) run on this store (\(names)); a round now would poll their "
                    + "feeds a second time: stop them first, or leave the polling to them")
        }
    }
}
