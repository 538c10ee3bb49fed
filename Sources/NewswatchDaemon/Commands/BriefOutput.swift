import Foundation

/// `parse --brief`'s lines on their way out: gathered into chunks so two thousand files are not two thousand
/// writes, and still handed over within about a fifth of a second (`flushIfDue` runs on the pool's tick while it
/// waits), so a slow source (a URL) does not hold back the lines before it.
struct BriefOutput {
    /// Where a chunk goes (the CLI's stdout).
    let write: (String) -> Void
    private var pending = ""
    private var lastWrite = ContinuousClock.now

    /// Bytes gathered before a chunk is written.
    static let chunkBytes = 16 * 1024
    /// The longest a finished line waits for its chunk.
    static let maximumDelay = Duration.milliseconds(200)

    init(write: @escaping (String) -> Void) {
        self.write = write
    }

    /// Adds a finished line and writes the chunk when it is large or old enough.
    mutating func append(_ line: String) {
        pending += line
        if pending.utf8.count >= Self.chunkBytes || lastWrite.duration(to: .now) >= Self.maximumDelay { flush() }
    }

    /// Writes what is gathered if it has waited ``maximumDelay`` (called while the next line is awaited).
    mutating func flushIfDue() {
        if !pending.isEmpty && lastWrite.duration(to: .now) >= Self.maximumDelay { flush() }
    }

    /// Writes what is gathered.
    mutating func flush() {
        lastWrite = .now
        guard !pending.isEmpty else { return }
        write(pending)
        pending = ""
    }
}
