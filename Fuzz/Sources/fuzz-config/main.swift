// TOML text as a config file, through every check `check-config` runs.
import Foundation
import FuzzSupport
import NewswatchDaemon

/// Relative paths in the fuzzed config (`path =`, `opml =`, `secret_file =`) resolve inside this (missing) folder.
let baseDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "newswatch-fuzz-config", isDirectory: true)

/// Whether a line opens a table header whose key does not start as a key, quote or `]` (`[` then a line end, `=`,
/// `#`, `.`, `,`, a third `[` …): toml++ 3 inside TOMLKit 0.6.0 aborts on an assertion there (found by this target, reported).
/// Such inputs are skipped until the config loader guards against them, so the campaign can look further.
func hitsTheTableHeaderAssertion(_ text: String) -> Bool {
    text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).contains { line in
        var rest = line.drop { $0 == " " || $0 == "\t" }
        guard rest.first == "[" else { return false }
        rest = rest.dropFirst()
        if rest.first == "[" { rest = rest.dropFirst() }
        rest = rest.drop { $0 == " " || $0 == "\t" }
        guard let next = rest.first else { return true }
        return !(next.isASCII && (next.isLetter || next.isNumber) || "_-\"']".contains(next))
    }
}

LibFuzzer.run { data, size in
    // ConfigLoader.load rejects a file that is not UTF-8 before parsing; do the same.
    guard let text = String(validating: LibFuzzer.bytes(data, size), as: UTF8.self) else { return -1 }
    guard !hitsTheTableHeaderAssertion(text) else { return -1 }
    _ = try? ConfigLoader.parse(
        text: text, origin: .embedded, location: .embedded, baseDirectory: baseDirectory, environment: [:])
    return 0
}
