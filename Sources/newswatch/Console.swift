import ArgumentParser
import Foundation
import NewswatchDaemon

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

    /// Prints a command's warnings to stderr, then its result to stdout.
    static func print(_ output: CommandOutput) {
        for line in output.warnings { warning(line) }
        switch output.format {
        case .text: self.output(output.text)
        case .json: json(output.text)
        }
    }

    /// Prints every line of `failure` to stderr and ends the command with its exit status.
    static func fail(_ failure: CommandError) -> ExitCode {
        for line in failure.lines { error(line) }
        return ExitCode(failure.exitCode)
    }
}
