import Foundation
import NewswatchStore

extension Commands {
    /// `store migrate --to URL`: copies the SQLite state of the config's `state_dir` into the empty PostgreSQL
    /// database at `url` (CONTRACT §9) and returns the one-line summary. Holds the daemon's run lock meanwhile, so the
    /// state cannot change under the copy. The password comes from `passwordFile`, else the config's
    /// `[store] password_file`. Every message names the database without a secret.
    ///
    /// Exit statuses: 64 for a malformed URL, 66 for a missing state database or password file, 69 when PostgreSQL
    /// cannot be reached or refuses the login, 1 when the daemon runs on the state, the database is not empty, or the
    /// copy fails (then nothing was written).
    public static func storeMigrate(
        configPath: String?, to url: String, passwordFile: String?
    ) async throws(CommandError) -> CommandOutput {
        let loaded = try CommandConfig.load(configPath)
        let paths = StatePaths(loaded.config.daemon)
        let location: PostgresLocation
        do {
            location = try PostgresLocation(
                url: url, passwordFile: passwordFile ?? loaded.config.store.passwordFile?.path)
        } catch let error as StoreError where error.kind == .open {
            throw CommandError(.noInput, error.message)
        } catch let error as StoreError {
            throw CommandError(.usage, "--to: \(error.message)")
        } catch {
            throw CommandError(.usage, "--to: \(error)")
        }
        guard FileManager.default.fileExists(atPath: paths.database.path) else {
            throw CommandError(
                .noInput, "no state database at \(paths.database.path): nothing to migrate (check state_dir)")
        }
        let lock: RunLock
        do {
            lock = try RunLock(stateDirectory: paths.stateDirectory)
        } catch {
            throw CommandError(.failure, "\(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        let source: SQLiteStore
        do {
            source = try SQLiteStore(path: paths.database.path, options: .init(readOnly: true, busyTimeout: 5))
        } catch {
            throw CommandError(.failure, "cannot open the state database: \(error)")
        }
        let target: PostgresStore
        do {
            target = try await PostgresStore(location: location, maxConnections: 1)
        } catch let error as StoreError where error.kind == .open {
            throw CommandError(.unavailable, "\(error); check --to and the password file")
        } catch {
            throw CommandError(.failure, "\(error)")
        }
        let summary: ImportSummary
        do {
            summary = try await target.importState(from: source)
        } catch {
            await target.close()
            throw CommandError(.failure, "store migrate: \(error)")
        }
        await target.close()
        return CommandOutput(
            "copied \(paths.database.path) into \(location.redacted): \(summary)\n")
    }
}
