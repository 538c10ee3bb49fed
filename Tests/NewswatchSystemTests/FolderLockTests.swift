import Foundation
import NewswatchSystem
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The lock of a folder that several daemons append to: an OFD lock on `.lock`, which excludes a second open file
/// description in the same process and a classic POSIX lock in another process (what an NFS server sees).
@Suite(.timeLimit(.minutes(1)))
struct FolderLockTests {
    @Test func aSecondOpenFileDescriptionInTheSameProcessIsKeptOut() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-folderlock")
        defer { dir.remove() }
        let lock = FolderLock(directory: dir.url.path)
        let inside = try lock.withLock { try FolderLock(directory: dir.url.path).withLockIfFree { "second" } }
        #expect(inside == nil)
        #expect(try lock.withLockIfFree { "free again" } == "free again")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == [FolderLock.fileName])
    }

    @Test func holdersOnSeveralThreadsNeverInterleaveTheirWrites() async throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-folderlock")
        defer { dir.remove() }
        let file = dir.file("alerts.jsonl").path
        // Each holder writes its line in two halves with a pause between: without the lock, halves interleave.
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for round in 0..<10 {
                        try? FolderLock(directory: dir.url.path).withLock {
                            let fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
                            defer { close(fd) }
                            try Syscall.writeAll(fd, Array("{\"writer\":\(writer),".utf8))
                            usleep(2000)
                            try Syscall.writeAll(fd, Array("\"round\":\(round)}\n".utf8))
                        }
                    }
                }
            }
        }
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 40)
        for line in lines { #expect(line.wholeMatch(of: /\{"writer":\d,"round":\d\}/) != nil, "\(line)") }
    }

    @Test func aPOSIXLockHeldByAnotherProcessKeepsUsOutUntilItEnds() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-folderlock")
        defer { dir.remove() }
        let python = try RequiredTool.path("python3", install: "apt-get install python3")
        let lockPath = FolderLock(directory: dir.url.path).path
        // Another process takes a classic fcntl write lock on the lock file, says so, and holds it until stdin closes.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            "-c",
            "import fcntl, sys\nf = open(sys.argv[1], 'a')\nfcntl.lockf(f, fcntl.LOCK_EX)\n"
                + "print('held', flush=True)\nsys.stdin.read()\n",
            lockPath,
        ]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let said = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        #expect(said.hasPrefix("held"))
        #expect(try FolderLock(directory: dir.url.path).withLockIfFree { true } == nil)
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(try FolderLock(directory: dir.url.path).withLockIfFree { true } == true)
    }
}
