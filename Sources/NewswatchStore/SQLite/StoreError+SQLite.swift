import Foundation
import GRDB

extension StoreError {
    /// A failed database operation as a store error whose message says what an operator can act on: another process
    /// holding the lock, or no room to write, before SQLite's own words.
    /// - Parameters:
    ///   - otherwise: the kind of any other failure.
    ///   - doing: what failed, prefixed to the message (`cannot open`, `migration failed`).
    static func sqlite(
        _ error: any Error, path: String, busyTimeout: TimeInterval, otherwise: Kind = .database, doing: String? = nil
    ) -> StoreError {
        let prefix = doing.map { "\($0): " } ?? ""
        guard let error = error as? DatabaseError else { return StoreError(otherwise, "\(prefix)\(error)", path: path) }
        let detail = "SQLite: \(error.message ?? "error \(error.extendedResultCode.rawValue)")"
        switch error.extendedResultCode.primaryResultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            let waited = Int(busyTimeout.rounded())
            return StoreError(
                .locked, "\(prefix)database is locked by another process (gave up after \(waited) s; \(detail))",
                path: path)
        case .SQLITE_FULL:
            return StoreError(
                .full, "\(prefix)cannot write the database: disk full or file size limit (\(detail))", path: path)
        default:
            break
        }
        switch error.extendedResultCode {
        case .SQLITE_IOERR_WRITE, .SQLITE_IOERR_TRUNCATE, .SQLITE_IOERR_SHMSIZE:
            // SQLite reports ENOSPC as SQLITE_FULL but EFBIG (RLIMIT_FSIZE; the daemon ignores SIGXFSZ) as a failed
            // write or truncate. Either way nothing of the transaction was committed.
            return StoreError(
                .full,
                "\(prefix)cannot write the database: disk full or file size limit, or another I/O error (\(detail))",
                path: path)
        default:
            return StoreError(otherwise, "\(prefix)\(error)", path: path)
        }
    }
}
