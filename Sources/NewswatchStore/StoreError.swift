/// An error of the store: opening, migrating, or a failed database operation.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The database file cannot be opened or created.
        case open
        /// A schema migration failed.
        case migration
        /// The file was written by a newer newswatch (unknown migrations); refusing to touch it.
        case schemaTooNew
        /// A read-only open found no database, or one that is not migrated yet.
        case notInitialised
        /// A statement failed (I/O error, corruption, …).
        case database
        /// Another process held the database locked for longer than the busy timeout.
        case locked
        /// A write failed for want of space: the disk is full or the file size limit (`RLIMIT_FSIZE`) was reached.
        case full
        /// The caller passed something the store cannot accept (e.g. an unknown alert id).
        case invalidArgument
        /// The record asked for does not exist (e.g. a verdict on an unknown alert id).
        case notFound
    }

    public var kind: Kind
    public var message: String
    /// The database file, where known.
    public var path: String?

    public init(_ kind: Kind, _ message: String, path: String? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
    }

    public var description: String {
        if let path { return "store \(path): \(message)" }
        return "store: \(message)"
    }
}
