import Foundation

/// A fresh directory under the system temp dir, removed by `remove()` (tests call it in `defer`).
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init(prefix: String = "newswatch-test") throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
        url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var path: String { url.path }

    /// A path inside the directory.
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `text` (UTF-8) to `name` inside the directory and returns its URL.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> URL {
        let f = file(name)
        try FileManager.default.createDirectory(
            at: f.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: f)
        return f
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
