import NewswatchConfig

/// Why a `newswatch` command failed: the lines for stderr and the CONTRACT §1 exit status.
public struct CommandError: Error, Sendable, CustomStringConvertible {
    /// The exit statuses of CONTRACT §1 (sysexits) that the commands use.
    public enum Kind: Int32, Sendable {
        /// Any other failure: exit 1.
        case failure = 1
        /// A bad argument: exit 64.
        case usage = 64
        /// Unusable input: exit 65.
        case dataError = 65
        /// A missing or unreadable input: exit 66.
        case noInput = 66
        /// A source that could not be reached: exit 69.
        case unavailable = 69
        /// A bad configuration: exit 78.
        case config = 78
    }

    /// The process exit status.
    public var exitCode: Int32
    /// One stderr line per problem, in order.
    public var lines: [String]

    /// A failure with `kind`'s exit status and one message line.
    public init(_ kind: Kind, _ message: String) {
        self.init(exitCode: kind.rawValue, lines: [message])
    }

    init(exitCode: Int32, lines: [String]) {
        self.exitCode = exitCode
        self.lines = lines
    }

    /// A config that could not be loaded: every problem, exit 66 or 78.
    init(_ error: ConfigError) {
        self.init(exitCode: error.exitCode, lines: error.allDescriptions)
    }

    /// A tuning command's failure, with its own exit status.
    init(_ error: TuningError) {
        self.init(exitCode: error.exitCode, lines: [error.message])
    }

    /// The lines joined by "; ".
    public var description: String { lines.joined(separator: "; ") }
}
