import Foundation
import NewswatchSystem
import NewswatchTestSupport
import Testing

@Suite struct AtomicFileTests {
    @Test func createsAndThenReplacesAFileLeavingNoTemporaryFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("digest.md").path
        try AtomicFile.replace(path, with: Data("first\n".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first\n")
        try AtomicFile.replace(path, with: Array("second, longer\n".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second, longer\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["digest.md"])
    }

    @Test func aFailedRenameLeavesTheOldContentAndNoTemporaryFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // The target is a non-empty directory: the temporary file is written, the rename fails.
        let target = dir.file("taken")
        try dir.write("taken/keep.txt", "kept")
        #expect {
            try AtomicFile.replace(target.path, with: Data("new".utf8))
        } throws: { ($0 as? SystemError)?.call == "rename" && ($0 as? SystemError)?.path == target.path }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["taken"])
        #expect(try String(contentsOfFile: target.appendingPathComponent("keep.txt").path, encoding: .utf8) == "kept")
    }

    @Test func aMissingDirectoryFailsAtOpen() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        #expect {
            try AtomicFile.replace(dir.file("no/such/file").path, with: Data())
        } throws: { ($0 as? SystemError)?.call == "open" && ($0 as? SystemError)?.errno == ENOENT }
    }
}
