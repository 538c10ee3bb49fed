#if canImport(Glibc)
    import Glibc
#endif

/// The file size limit (`RLIMIT_FSIZE`, e.g. systemd's `LimitFSIZE=`) as a write error, not a death.
///
/// By default the kernel answers a write past the limit with SIGXFSZ, which ends the process wherever it is. Most of
/// the daemon's writes run on Dispatch threads that happen to block the signal, but that is luck, not design: with the
/// signal ignored every such write fails with `EFBIG`, and the store and the alert file report it ("disk full or file
/// size limit"), keep what they owe and try again.
public enum FileSizeLimitSignal {
    /// Ignores SIGXFSZ for the whole process. Idempotent; call before the first write.
    public static func ignore() {
        _ = signal(SIGXFSZ, SIG_IGN)
    }
}
