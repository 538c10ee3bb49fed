import Foundation
import NewswatchConfig
import NewswatchStore

/// Opening the state database for the tuning commands: read-only beside a running daemon (`match --stored`,
/// `eval --feedback`), or for one small write (`feedback`).
public enum TuningStore {
    /// The state database of `config`; a missing file is a `noInput` (the daemon has not run yet).
    public static func open(_ config: NewswatchConfig, readOnly: Bool) async throws(TuningError) -> OpenedStore {
        let path = StatePaths(config.daemon).database.path
        guard config.store.isShared || FileManager.default.fileExists(atPath: path) else {
            throw TuningError(.noInput, "no state database at \(path) yet (the daemon has not run)")
        }
        do {
            return try await StoreOpener.open(
                config, access: readOnly ? .readOnly(busyTimeout: 10) : .shared(busyTimeout: 10))
        } catch let error as StoreError {
            throw TuningError(error.kind == .notInitialised ? .noInput : .store, error.description)
        } catch {
            throw TuningError(.store, "cannot open the store: \(error)")
        }
    }

    /// Runs one store call, turning a store failure into a `store` error (exit 1).
    static func reading<T>(_ body: () async throws -> T) async throws(TuningError) -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw TuningError(error.kind == .notFound ? .noInput : .store, error.description)
        } catch {
            throw TuningError(.store, "\(error)")
        }
    }
}
