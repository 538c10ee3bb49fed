import Foundation

/// Reads a local feed (a `path =` feed, `newswatch parse FILE` or `-`) under the same size cap as an HTTP body.
///
/// Without the cap a file or a pipe of any size was read whole into memory. At most `cap + 1` bytes are read: the
/// one byte more tells a body over the cap from one exactly at it, and fails like an oversized HTTP body
/// (`FetchError.Kind.tooLarge`, exit 65 for `parse`).
public enum LocalFeedReader {
    /// The bytes of the file at `path`. Throws `FetchError` `.tooLarge` past `cap`, or Foundation's error when the
    /// file cannot be opened or read.
    public static func read(path: String, cap: Int) throws -> Data {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        return try read(handle, cap: cap, name: path)
    }

    /// The bytes of standard input (see `read(path:cap:)`).
    public static func readStandardInput(cap: Int) throws -> Data {
        try read(FileHandle.standardInput, cap: cap, name: "<stdin>")
    }

    private static func read(_ handle: FileHandle, cap: Int, name: String) throws -> Data {
        let cap = max(0, cap)
        var data = Data()
        // A pipe hands over what it has; keep reading until end of input or one byte past the cap.
        while data.count <= cap {
            guard let chunk = try handle.read(upToCount: min(1 << 20, cap + 1 - data.count)), !chunk.isEmpty else {
                return data
            }
            data.append(chunk)
        }
        throw FetchError(.tooLarge, "body larger than \(cap) bytes", url: name)
    }
}
