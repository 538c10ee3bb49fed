// TOML text as a config file, through every check `check-config` runs.
import Foundation
import FuzzSupport
import NewswatchConfig

/// Relative paths in the fuzzed config (`path =`, `opml =`, `secret_file =`) resolve inside this (missing) folder.
let baseDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "newswatch-fuzz-config", isDirectory: true)

LibFuzzer.run { data, size in
    // ConfigLoader.load rejects a file that is not UTF-8 before parsing; do the same.
    guard let text = String(validating: LibFuzzer.bytes(data, size), as: UTF8.self) else { return -1 }
    _ = try? ConfigLoader.parse(
        text: text, origin: .embedded, location: .embedded, baseDirectory: baseDirectory, environment: [:])
    return 0
}
