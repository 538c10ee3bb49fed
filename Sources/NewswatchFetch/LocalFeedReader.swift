import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a local feed (a `path =` feed, `newswatch parse FILE` or `-`) under the same size cap as an HTTP body.
///
/// Without the cap a file or a pipe of any size was read whole into memory. At most `cap + 1` bytes are read: the
/// one byte more tells a body over the cap from one exactly at it, and fails like an oversized HTTP body
/// (`FetchError.Kind.tooLarge`, exit 65 for `parse`).
public enum LocalFeedReader {
    /// The bytes of the file at `path`. Throws `FetchError` `.tooLarge` past `cap`, or Foundation's error when the
    /// file cannot be opened, a `POSIXError` when it cannot be read.
    public static func read(path: String, cap: Int) throws -> Data {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        return try read(handle.fileDescriptor, cap: cap, name: path)
    }

    /// The bytes of standard input (see `read(path:cap:)`).
    public static func readStandardInput(cap: Int) throws -> Data {
        try read(FileHandle.standardInput.fileDescriptor, cap: cap, name: "<stdin>")
    }

    /// Bytes asked for at first from a pipe or device, whose size is not known; doubled as they come.
    static let firstChunk = 64 * 1024

    /// Reads to the end or one byte past the cap. A regular file is read into a buffer of its size plus one byte —
    /// two `read`s, no copy — where `FileHandle.read(upToCount:)` took some sixteen `read`s and `fstat`s and a copy
    /// per file (`parse --brief` of 2,000 files: 33,130 `read` calls).
    private static func read(_ fd: Int32, cap: Int, name: String) throws -> Data {
        let cap = max(0, cap)
        var info = stat()
        let regular = fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        var capacity = regular ? min(Int(info.st_size), cap) + 1 : min(firstChunk, cap + 1)
        guard var buffer = malloc(capacity) else { throw POSIXError(.ENOMEM) }
        var count = 0
        while count <= cap {
            if count == capacity {
                // The file grew or is a pipe: more room, never past the byte after the cap.
                capacity = min(capacity * 2, cap + 1)
                guard let grown = realloc(buffer, capacity) else {
                    free(buffer)
                    throw POSIXError(.ENOMEM)
                }
                buffer = grown
            }
            let n = Glibc.read(fd, buffer + count, capacity - count)
            if n < 0 {
                if errno == EINTR { continue }
                let code = POSIXErrorCode(rawValue: errno) ?? .EIO
                free(buffer)
                throw POSIXError(code)
            }
            if n == 0 {
                guard count > 0 else {
                    free(buffer)
                    return Data()
                }
                return Data(bytesNoCopy: buffer, count: count, deallocator: .free)
            }
            count += n
        }
        free(buffer)
        throw FetchError(.tooLarge, "body larger than \(cap) bytes", url: name)
    }
}
