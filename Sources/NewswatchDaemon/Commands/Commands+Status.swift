import Foundation
import NewswatchCore
import NewswatchStore

extension Commands {
    /// `status`: feed and sink health from the state database, read-only beside the daemon (CONTRACT §7); without
    /// a database yet, the configured feeds as never fetched and a warning.
    public static func status(
        configPath: String?, json: Bool, now: Date = OffsetClock.fromEnvironment().now()
    ) async throws(CommandError) -> CommandOutput {
        let loaded = try CommandConfig.load(configPath)
        let database = StatePaths(loaded.config.daemon).database
        var warnings = OffsetClock.environmentWarning().map { [$0] } ?? []
        var opened: OpenedStore?
        if loaded.config.store.isShared || FileManager.default.fileExists(atPath: database.path) {
            do {
                opened = try await StoreOpener.open(loaded.config, access: .readOnly(busyTimeout: 5))
            } catch let error as StoreError where error.kind == .notInitialised {
                warnings.append("\(database.path): \(error.message); showing the configured feeds only")
            } catch {
                throw CommandError(.failure, "cannot open the state database: \(error)")
            }
        } else {
            warnings.append(
                "no state database at \(database.path) yet (the daemon has not run); showing the configured feeds only")
        }
        var report: StatusReport
        do {
            report = try await StatusReport.build(config: loaded.config, store: opened?.store, now: now)
            if let postgres = opened?.postgres {
                report.addDaemons(try await postgres.daemons(at: now))
                report.addRunOnce(try await postgres.roundsHoldingStore())
            }
            await opened?.close()
        } catch {
            await opened?.close()
            throw CommandError(.failure, "cannot read the store: \(error)")
        }
        if json { return CommandOutput(report.json.pretty + "\n", format: .json, warnings: warnings) }
        return CommandOutput(report.table(now: now), warnings: warnings)
    }
}
