import Foundation
import NewswatchDigest
import Testing

/// Writes the sample digests for a human to look at when `NEWSWATCH_DIGEST_PREVIEW` names a directory.
@Suite struct DigestPreviewTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["NEWSWATCH_DIGEST_PREVIEW"] != nil))
    func writePreview() throws {
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["NEWSWATCH_DIGEST_PREVIEW"]!)
        let written = try DigestWriter(outputDirectory: dir).write(DigestSamples.day())
        var hostile = DigestSamples.hostile()
        hostile.period = DigestSamples.schedule.period(issuedOn: DigestDate("2026-11-26")!)
        try DigestWriter(outputDirectory: dir).write(hostile)
        #expect(written.count == 3)
    }
}
