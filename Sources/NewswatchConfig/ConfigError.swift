import Foundation

/// A configuration problem: where it is (`file:line[:column]`, key path), what is wrong and what would be valid.
///
/// Every error of this kind ends a command with exit 78, except a config file named by `--config` or
/// `$NEWSWATCH_CONFIG` that does not exist or cannot be read (66, CONTRACT §1).
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// The class of problem; tests and callers branch on this, never on the text.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The config file named explicitly does not exist.
        case fileNotFound
        /// The config file exists but cannot be read (permissions, a directory, not UTF-8).
        case unreadable
        /// The file is not valid TOML.
        case syntax
        /// A key the config does not know (a typo, usually).
        case unknownKey
        /// A value of the wrong TOML type.
        case wrongType
        /// A required key is absent.
        case missingKey
        /// A value of the right type that is not allowed (out of range, empty, bad format).
        case invalidValue
        /// Two entries that must be unique share an id, name or URL.
        case duplicate
        /// Not a duration such as `90s`, `10m`, `6h`, `30d`.
        case badDuration
        /// Not a size such as `10MiB`.
        case badSize
        /// Not an IANA time zone name.
        case badTimeZone
        /// A topic id outside `[a-z0-9][a-z0-9-]*`, or a reference to a topic that does not exist.
        case badTopicID
        /// Not one of `low`, `normal`, `high`.
        case badPriority
        /// A topic query or exclude that does not parse.
        case badQuery
        /// A `path`, `opml`, `secret_file` or `password_file` that does not exist (for a secret given by a bare
        /// name: no such credential, or no `$CREDENTIALS_DIRECTORY`).
        case missingFile
        /// A `secret_file` or `password_file` that group or others can read or write (CONTRACT §7).
        case exposedSecret
        /// A `[[feeds]]` entry without exactly one of `url`, `path`, `opml`.
        case feedSource
        /// A URL that does not parse or has a scheme that is not allowed there.
        case badURL
        /// An OPML file that cannot be read as OPML.
        case badOPML
        /// A topic's `feeds` filter naming a feed or tag that no feed has.
        case unknownFeedReference
    }

    /// What went wrong, for the exit status and for tests.
    public var kind: Kind
    /// The config file's path, or `<embedded default config>`.
    public var file: String
    /// 1-based line in `file`, where known.
    public var line: Int?
    /// 1-based column in that line, where known (syntax errors and queries).
    public var column: Int?
    /// The key path of the value at fault, e.g. `topics[1].query` (0-based indices, as in the file's order).
    public var keyPath: String?
    /// What is wrong and what would be valid.
    public var message: String
    /// Further problems found in the same file, in file order (check-config prints them all).
    public var others: [ConfigError]

    /// An error in `file`, at `line`:`column` and `keyPath` where known.
    public init(
        kind: Kind, file: String, line: Int? = nil, column: Int? = nil, keyPath: String? = nil, message: String,
        others: [ConfigError] = []
    ) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
        self.others = others
    }

    /// `file:line:column: key.path: message` — one line, as the CLI prints it.
    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        if let keyPath, !keyPath.isEmpty { return "\(location): \(keyPath): \(message)" }
        return "\(location): \(message)"
    }

    /// The sysexits code a command ends with for this error.
    public var exitCode: Int32 {
        switch kind {
        case .fileNotFound, .unreadable: return 66
        default: return 78
        }
    }

    /// This error followed by the others, each as one line.
    public var allDescriptions: [String] { [description] + others.map(\.description) }
}
