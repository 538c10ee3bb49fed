import ArgumentParser
import Foundation

/// Exit codes of CONTRACT §1 (sysexits).
enum Exit {
    static let failure: Int32 = 1
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let unavailable: Int32 = 69
    static let config: Int32 = 78
}

/// Writing to the terminal: results to stdout, every error as one line on stderr.
enum Console {
    /// Writes one line to stderr, prefixed `newswatch: `, safe for a terminal (`TerminalText`).
    static func error(_ message: String) {
        let line = "newswatch: " + TerminalText.safe(message.replacingOccurrences(of: "\n", with: " ")) + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Writes human-readable output to stdout, every control character but newline and tab made visible.
    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data(TerminalText.safe(text).utf8))
    }

    /// Writes JSON output to stdout, DEL and C1 controls escaped like the encoder escapes C0.
    static func json(_ text: String) {
        FileHandle.standardOutput.write(Data(TerminalText.safeJSON(text).utf8))
    }

    /// Writes one warning line to stderr.
    static func warning(_ message: String) {
        error("warning: " + message)
    }

    /// Prints `message` to stderr and ends the command with `code`.
    static func fail(_ code: Int32, _ message: String) -> ExitCode {
        error(message)
        return ExitCode(code)
    }
}
