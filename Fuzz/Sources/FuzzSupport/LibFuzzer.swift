import CLibFuzzer

#if canImport(Glibc)
    import Glibc
#endif

/// The bridge from a fuzz target's `main.swift` to libFuzzer.
public enum LibFuzzer {
    /// One input: the bytes libFuzzer made, valid only during the call.
    public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer with the process's arguments (`-max_total_time=…`, corpus folders) over `test`, then exits
    /// with its status. `test` returns 0, or -1 for an input that must not enter the corpus.
    public static func run(_ test: TestOneInput) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, test))
    }

    /// The input as a buffer (libFuzzer may pass a null pointer for the empty input).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: size == 0 ? nil : data, count: size)
    }

    /// The input as a Swift `String`, invalid UTF-8 repaired as feed text is before it reaches the parsers.
    public static func text(_ data: UnsafePointer<UInt8>?, _ size: Int) -> String {
        String(decoding: bytes(data, size), as: UTF8.self)
    }
}
