/// What a `newswatch` command prints: warnings for stderr, then its result for stdout.
public struct CommandOutput: Sendable, Equatable {
    /// How the terminal makes the text safe: readable text, or JSON whose strings are already escaped.
    public enum Format: Sendable, Equatable {
        /// Human-readable text.
        case text
        /// JSON (one document or JSON lines).
        case json
    }

    /// The result for stdout.
    public var text: String
    /// How `text` is written.
    public var format: Format
    /// Lines for stderr (each printed as a warning) before `text`.
    public var warnings: [String]

    /// A result `text` in `format`, with `warnings` printed first.
    public init(_ text: String, format: Format = .text, warnings: [String] = []) {
        self.text = text
        self.format = format
        self.warnings = warnings
    }
}
