import Foundation
import Logging
import NewswatchCore
import NewswatchSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A swift-log handler writing one line per event to stderr, for a terminal or for journald (CONTRACT §7).
///
/// Under systemd (`$JOURNAL_STREAM` names stderr) each line starts with a `<N>` syslog priority so the journal
/// records the level, and carries no timestamp (the journal keeps its own):
/// `<6>newswatch: feed fetched feed=bbc status=200`. Otherwise lines are
/// `2026-11-25T12:00:00Z info newswatch: feed fetched feed=bbc status=200`.
/// Metadata is printed sorted by key; newlines and other control characters in messages and values are escaped,
/// so one event is always one line; a value that is not one plain token, and a message holding an `=`, are quoted,
/// so feed text can never pose as a `key=value` field.
public struct JournalLogHandler: LogHandler {
    /// The two line formats.
    public enum Format: Sendable, Equatable {
        /// `<N>label: message key=value`, for journald's stream.
        case journal
        /// `YYYY-MM-DDTHH:MM:SSZ level label: message key=value`.
        case plain

        /// `.journal` when `$JOURNAL_STREAM` names the same device and inode as `fileDescriptor`, else `.plain`.
        /// (A child that inherited the variable but writes elsewhere must not emit prefixes.)
        public static func detect(
            environment: [String: String] = ProcessInfo.processInfo.environment, fileDescriptor: Int32 = 2
        ) -> Format {
            guard let value = environment["JOURNAL_STREAM"],
                let expected = LogStreamIdentity(journalStream: value),
                let actual = LogStreamIdentity.of(fileDescriptor: fileDescriptor)
            else { return .plain }
            return expected == actual ? .journal : .plain
        }
    }

    /// Where finished lines (with their newline) go.
    public typealias Writer = @Sendable (String) -> Void

    public let label: String
    public let format: Format
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let writer: Writer
    private let now: @Sendable () -> Date

    /// A handler for logger `label`.
    /// - Parameters:
    ///   - writer: receives each finished line; the default writes it to stderr with one `write(2)`.
    ///   - now: the clock for plain lines' timestamps.
    public init(
        label: String, format: Format, level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil,
        writer: @escaping Writer = JournalLogHandler.writeToStandardError,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.writer = writer
        self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        if let error = event.error, merged["error"] == nil { merged["error"] = "\(error)" }
        let line = Self.formatLine(
            level: event.level, message: event.message.description, metadata: merged, label: label,
            date: format == .plain ? now() : nil, format: format)
        writer(line + "\n")
    }

    /// One event as one line (without the newline).
    /// - Parameter date: the timestamp for `.plain`; ignored for `.journal`.
    public static func formatLine(
        level: Logger.Level, message: String, metadata: Logger.Metadata, label: String, date: Date?,
        format: Format
    ) -> String {
        var line: String
        switch format {
        case .journal:
            line = "<\(syslogPriority(level))>"
        case .plain:
            line = Timestamp.format(date ?? Date()) + " " + level.rawValue + " "
        }
        // A message carrying an '=' (feed text in a warning or an error) is quoted, so it cannot fake a field.
        line += label + ": " + (message.utf8.contains(0x3D) ? quoteValue(message) : escapeMessage(message))
        for key in metadata.keys.sorted() {
            line += " " + sanitizeKey(key) + "=" + quoteValue(render(metadata[key]!))
        }
        return line
    }

    /// The syslog priority journald reads from a `<N>` prefix (`sd-daemon.h`: `SD_DEBUG` 7 … `SD_CRIT` 2).
    public static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// Writes `text` to file descriptor 2 in one `write(2)` where possible, under a lock so lines from
    /// concurrent tasks never interleave.
    public static let writeToStandardError: Writer = { text in
        // Nowhere to report a failed write to standard error: the line is dropped.
        stderrLock.withLock { _ in try? Syscall.writeAll(2, Array(text.utf8)) }
    }

    private static let stderrLock = Locked(())

    private static func render(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s): return s
        case .stringConvertible(let c): return c.description
        case .array(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
        case .dictionary(let dict):
            return "[" + dict.keys.sorted().map { "\($0): \(render(dict[$0]!))" }.joined(separator: ", ") + "]"
        }
    }

    /// Control characters become visible escapes (`\n`, `\r`, `\t`, `\u{1B}`); nothing else changes.
    static func escapeMessage(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            appendEscapingControl(scalar, to: &out)
        }
        return out
    }

    private static func appendEscapingControl(_ scalar: Unicode.Scalar, to out: inout String) {
        switch scalar {
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.generalCategory == .lineSeparator
                || scalar.properties.generalCategory == .paragraphSeparator || (0x80...0x9F).contains(scalar.value)
            {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }

    /// A value as is when it is one plain token, else in double quotes with `\"` and `\\` escaped.
    static func quoteValue(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains {
                $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F
                    || (0x80...0x9F).contains($0.value) || $0.properties.generalCategory == .lineSeparator
                    || $0.properties.generalCategory == .paragraphSeparator
            }
        guard needsQuotes else { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: appendEscapingControl(scalar, to: &out)
            }
        }
        return out + "\""
    }

    private static func sanitizeKey(_ key: String) -> String {
        let cleaned = String(
            key.unicodeScalars.map { s -> Character in
                s == " " || s == "=" || s == "\"" || s.value < 0x20 || s.value == 0x7F ? "_" : Character(s)
            })
        return cleaned.isEmpty ? "_" : cleaned
    }
}
