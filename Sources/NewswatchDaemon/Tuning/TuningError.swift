/// Why a tuning command (`parse`/`match` sources, `eval`, `match --stored`, `feedback`) could not do its work, with
/// the CONTRACT §1 exit status for each kind.
public struct TuningError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A bad argument (an unknown `--topic`, a bad `--since`): exit 64.
        case usage
        /// Unusable input: a malformed labels line, a feed that does not parse, an index past its feed: exit 65.
        case dataError
        /// A missing or unreadable file, an unknown alert id, no state database: exit 66.
        case noInput
        /// A URL source that could not be fetched: exit 69 (or the fetcher's own status).
        case unavailable
        /// The state database failed: exit 1.
        case store
        /// The config's topics do not compile: exit 78.
        case config
    }

    public var kind: Kind
    /// One line for stderr.
    public var message: String
    /// The fetcher's exit status for an `unavailable` URL source, when it has its own.
    var fetchExitCode: Int32?

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The process exit status for this error.
    public var exitCode: Int32 {
        switch kind {
        case .usage: 64
        case .dataError: 65
        case .noInput: 66
        case .unavailable: fetchExitCode ?? 69
        case .store: 1
        case .config: 78
        }
    }

    public var description: String { message }
}
