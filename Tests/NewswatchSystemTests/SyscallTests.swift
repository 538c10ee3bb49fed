import Foundation
import NewswatchSystem
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct SyscallTests {
    @Test func retriesACallThatWasInterrupted() throws {
        var calls = 0
        let result = try Syscall.retryingInterrupts("read") { () -> Int in
            calls += 1
            if calls < 3 {
                errno = EINTR
                return -1
            }
            return 7
        }
        #expect(result == 7)
        #expect(calls == 3)
    }

    @Test func turnsAnyOtherFailureIntoAnErrorWithTheCallAndPath() {
        var calls = 0
        #expect {
            _ = try Syscall.retryingInterrupts("open", path: "/x") { () -> Int32 in
                calls += 1
                errno = EACCES
                return -1
            }
        } throws: { error in
            let e = error as? SystemError
            return e?.errno == EACCES && e?.call == "open" && e?.path == "/x"
        }
        #expect(calls == 1)
    }

    @Test func writesEveryByteToARealFileAndSyncsIt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("out.bin").path
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        #expect(fd >= 0)
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Syscall.writeAll(fd, bytes, path: path)
        try Syscall.writeAll(fd, Data("tail".utf8), path: path)
        try Syscall.fsync(fd, path: path)
        close(fd)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes + Array("tail".utf8)))
    }

    @Test func reportsAWriteToAClosedDescriptor() {
        #expect {
            try Syscall.writeAll(-1, [UInt8(1)], path: "bad")
        } throws: { ($0 as? SystemError)?.errno == EBADF && ($0 as? SystemError)?.call == "write" }
        #expect { try Syscall.fsync(-1) } throws: { ($0 as? SystemError)?.call == "fsync" }
    }

    /// A writer blocked on a full pipe is interrupted by signals (installed without `SA_RESTART`, so `write`
    /// returns short or fails with `EINTR`); every byte still arrives, in order.
    @Test func writesEveryByteThroughARealPipeWhileSignalsInterruptIt() throws {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        #expect(sigaction(SIGUSR1, &action, nil) == 0)

        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let payload = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        let writer = Locked<pthread_t?>(nil)
        let outcome = Locked<String?>(nil)
        let thread = Thread {
            writer.withLock { $0 = pthread_self() }
            do {
                try Syscall.writeAll(writeEnd, payload)
                outcome.withLock { $0 = "ok" }
            } catch {
                outcome.withLock { $0 = "\(error)" }
            }
            close(writeEnd)
        }
        thread.start()
        // Let the writer fill the pipe and block, then interrupt it over and over while nobody reads.
        usleep(100_000)
        let target = try #require(writer.withLock { $0 })
        for _ in 0..<20 {
            pthread_kill(target, SIGUSR1)
            usleep(2_000)
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = read(readEnd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            received += buffer[0..<n]
            if received.count % 65536 < 8192 { pthread_kill(target, SIGUSR1) }
        }
        close(readEnd)
        #expect(outcome.withLock { $0 } == "ok")
        #expect(received == payload)
    }

    @Test func sendsEveryByteOnASocketAndReportsAGonePeerWithoutSIGPIPE() throws {
        var pair: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        try Syscall.sendAll(pair[0], Array("hello".utf8))
        var buffer = [UInt8](repeating: 0, count: 16)
        let n = read(pair[1], &buffer, buffer.count)
        #expect(Array(buffer[0..<max(0, n)]) == Array("hello".utf8))
        close(pair[1])
        // With a plain write(2) this would raise SIGPIPE and end the test process.
        #expect {
            try Syscall.sendAll(pair[0], Data("gone".utf8))
        } throws: { ($0 as? SystemError)?.errno == EPIPE && ($0 as? SystemError)?.call == "send" }
        close(pair[0])
    }

    @Test func syncsARealDirectoryAndReportsAMissingOne() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Syscall.fsyncDirectory(dir.path)
        #expect {
            try Syscall.fsyncDirectory(dir.file("missing").path)
        } throws: { ($0 as? SystemError)?.errno == ENOENT && ($0 as? SystemError)?.call == "open" }
    }
}
