import Foundation

/// The repository checkout the tests were built from, for tests that read shipped files (`systemd/`, `Config/`).
public enum SourceTree {
    /// The repository root: this file is `Sources/NewswatchTestSupport/SourceTree.swift`, so a test file's own
    /// depth (which changes when tests move between folders) does not matter.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}
