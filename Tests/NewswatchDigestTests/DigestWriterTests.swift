import Foundation
import NewswatchCore
import NewswatchTestSupport
import Testing

@testable import NewswatchDigest

/// Writing digest files: names, atomic replacement, no leftovers, errors.
@Suite struct DigestWriterTests {
    func files(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    @Test func writesEveryFormatUnderDigestsNamedByDateOfIssue() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let output = tmp.url.appendingPathComponent("out/nested")  // created on demand
        let writer = DigestWriter(outputDirectory: output)
        let data = DigestSamples.day()
        let written = try writer.write(data)
        #expect(written.map(\.lastPathComponent) == ["2026-11-25.md", "2026-11-25.html", "2026-11-25.json"])
        #expect(try files(writer.digestsDirectory) == ["2026-11-25.html", "2026-11-25.json", "2026-11-25.md"])
        for format in DigestFormat.allCases {
            let url = writer.fileURL(for: data.period.date, format: format)
            #expect(try Data(contentsOf: url) == format.render(data))
        }
        // Rewriting the same period from the same data gives identical bytes.
        let before = try written.map { try Data(contentsOf: $0) }
        try writer.write(DigestSamples.day())
        #expect(try written.map { try Data(contentsOf: $0) } == before)
    }

    @Test func writesOnlyTheConfiguredFormatsOnce() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let writer = DigestWriter(outputDirectory: tmp.url, formats: [.json, .markdown, .json])
        let written = try writer.write(DigestSamples.day())
        #expect(written.map(\.lastPathComponent) == ["2026-11-25.json", "2026-11-25.md"])
        #expect(try files(writer.digestsDirectory) == ["2026-11-25.json", "2026-11-25.md"])
    }

    @Test func replacesAnExistingFileWholeAndLeavesNoTemporaryFiles() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let writer = DigestWriter(outputDirectory: tmp.url, formats: [.markdown])
        let url = writer.fileURL(for: DigestSamples.period.date, format: .markdown)
        try FileManager.default.createDirectory(at: writer.digestsDirectory, withIntermediateDirectories: true)
        // A larger, older file, and a hard link to it: a rename replaces the name, never the old inode's bytes,
        // so a reader holding the old file still sees it whole.
        let old = Data(repeating: UInt8(ascii: "x"), count: 200_000)
        try old.write(to: url)
        let held = tmp.url.appendingPathComponent("held")
        try FileManager.default.linkItem(at: url, to: held)
        var small = DigestSamples.day()
        small.topics = []
        try writer.write(small)
        #expect(try Data(contentsOf: url) == DigestFormat.markdown.render(small))
        #expect(try Data(contentsOf: held) == old)
        #expect(try files(writer.digestsDirectory) == ["2026-11-25.md"])
    }

    @Test func failuresAreReportedAndCleanedUp() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        // `digests` exists as a plain file: the directory cannot be created.
        try tmp.write("blocked/digests", "not a directory")
        let blocked = DigestWriter(outputDirectory: tmp.url.appendingPathComponent("blocked"))
        #expect {
            try blocked.write(DigestSamples.day())
        } throws: { ($0 as? DigestError)?.kind == .createDirectory }

        // The target name is a directory: the rename fails, and the temporary file is removed.
        let writer = DigestWriter(outputDirectory: tmp.url.appendingPathComponent("ok"), formats: [.html])
        let target = writer.fileURL(for: DigestSamples.period.date, format: .html)
        try FileManager.default.createDirectory(
            at: target.appendingPathComponent("inside"), withIntermediateDirectories: true)
        var caught: DigestError?
        do { try writer.write(DigestSamples.day()) } catch { caught = error }
        #expect(caught?.kind == .writeFile)
        #expect(caught?.description.contains(target.path) == true)
        #expect(try files(writer.digestsDirectory) == ["2026-11-25.html"])
    }

    @Test func findsTheLastWrittenDigest() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let writer = DigestWriter(outputDirectory: tmp.url, formats: [.markdown, .html])
        #expect(writer.lastWrittenDate() == nil)
        try writer.write(DigestSamples.day())  // 2026-11-25
        for name in ["2026-11-30.json", ".2026-12-01.md.123.abcd.tmp", "2026-12-02.md~", "2026-13-01.md", "notes.md"] {
            try tmp.write("digests/" + name, "x")
        }
        #expect(writer.lastWrittenDate() == DigestDate("2026-11-25"))
        // What a daemon starting on 2026-11-28 at 09:00 in Jerusalem still owes.
        let owed = DigestSamples.schedule.missedPeriods(
            after: try #require(writer.lastWrittenDate()), now: DigestSamples.at("2026-11-28T07:00:00Z"))
        #expect(owed.map(\.date.description) == ["2026-11-26", "2026-11-27", "2026-11-28"])
    }

    @Test func filesAreReadableAsPlainUTF8() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let written = try DigestWriter(outputDirectory: tmp.url).write(DigestSamples.day())
        for url in written {
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"), "\(url.lastPathComponent)")
            #expect(!text.contains("\r"))
        }
    }
}
