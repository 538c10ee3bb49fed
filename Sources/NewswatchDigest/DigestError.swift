import Foundation

/// Why a digest could not be written.
public struct DigestError: Error, Sendable, CustomStringConvertible {
    /// What failed.
    public enum Kind: Sendable, Equatable {
        /// The `digests/` directory could not be created.
        case createDirectory
        /// A digest file could not be written, flushed or moved into place.
        case writeFile
    }

    /// What failed.
    public var kind: Kind
    /// The file or directory concerned.
    public var path: String
    /// The system's reason (`strerror`).
    public var reason: String

    /// An error about the file at `path`.
    public init(kind: Kind, path: String, reason: String) {
        self.kind = kind
        self.path = path
        self.reason = reason
    }

    /// One line naming the file and the reason.
    public var description: String {
        switch kind {
        case .createDirectory:
            return "cannot create digest directory \(path): \(reason); check output_dir and its permissions"
        case .writeFile:
            return "cannot write digest \(path): \(reason); check free space and permissions of output_dir"
        }
    }
}
