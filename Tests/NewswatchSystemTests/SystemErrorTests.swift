import Foundation
import NewswatchSystem
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct SystemErrorTests {
    @Test func describesTheCallThePathAndTheSystemsReason() {
        let error = SystemError("open", path: "/nowhere/file", errno: ENOENT)
        #expect(error.errno == ENOENT)
        #expect(error.description == "open /nowhere/file: No such file or directory")
        #expect(SystemError("fsync", errno: EIO).description == "fsync: Input/output error")
    }

    @Test func takesTheThreadsErrnoByDefault() {
        errno = EACCES
        #expect(SystemError("open").errno == EACCES)
    }

    @Test func knowsAFullDiskFromOtherFailures() {
        #expect(SystemError("write", errno: ENOSPC).isDiskFull)
        #expect(SystemError("write", errno: EFBIG).isDiskFull)
        #expect(SystemError("write", errno: EDQUOT).isDiskFull)
        #expect(!SystemError("write", errno: EIO).isDiskFull)
    }
}
