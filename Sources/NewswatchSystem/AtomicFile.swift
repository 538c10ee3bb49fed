import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Replacing a file so that a reader (or a crash) sees either the old content or the new, never a part.
public enum AtomicFile {
    /// Writes `bytes` to `path` through a hidden temporary file in the same directory, `fsync` and `rename`.
    ///
    /// On failure the temporary file is removed and the old file, if any, is left as it was. The directory entry
    /// is not flushed here: call `Syscall.fsyncDirectory` once after a batch of replacements.
    public static func replace(_ path: String, with bytes: some ContiguousBytes) throws(SystemError) {
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent().appendingPathComponent(
            "." + url.lastPathComponent + "." + String(getpid()) + "." + UUID().uuidString.prefix(8) + ".tmp"
        ).path
        let fd = try Syscall.retryingInterrupts("open", path: temp) {
            open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        }
        do throws(SystemError) {
            do throws(SystemError) {
                try Syscall.writeAll(fd, bytes, path: temp)
                try Syscall.fsync(fd, path: temp)
            } catch {
                close(fd)
                throw error
            }
            // close can report a delayed write error (NFS): it counts as a failed write.
            if close(fd) != 0 { throw SystemError("close", path: temp) }
            if rename(temp, path) != 0 { throw SystemError("rename", path: path) }
        } catch {
            unlink(temp)
            throw error
        }
    }
}
