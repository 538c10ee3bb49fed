import Foundation
import NewswatchCore
import NewswatchSystem

/// Writes a digest's files, `<output_dir>/digests/YYYY-MM-DD.{md,html,json}`, each atomically.
///
/// Each file is written to a hidden temporary file in the same directory, flushed to disk (`fsync`), then
/// renamed over the final name, and the directory is flushed: a reader sees the old file or the new one,
/// never a part, even if the process or machine dies midway. The files' mode is 0666 less the umask
/// (with the service's `UMask=0027`, readable by group `newswatch`).
public struct DigestWriter: Sendable {
    /// `output_dir`; the digests go to its `digests/` subdirectory.
    public var outputDirectory: URL
    /// The formats to write, in this order; duplicates are written once.
    public var formats: [DigestFormat]

    /// A writer into `outputDirectory` of `formats`.
    public init(outputDirectory: URL, formats: [DigestFormat] = DigestFormat.allCases) {
        self.outputDirectory = outputDirectory
        self.formats = formats
    }

    /// `<output_dir>/digests`.
    public var digestsDirectory: URL { outputDirectory.appendingPathComponent("digests", isDirectory: true) }

    /// Where the digest of `date` in `format` goes.
    public func fileURL(for date: DigestDate, format: DigestFormat) -> URL {
        digestsDirectory.appendingPathComponent(date.description + "." + format.fileExtension)
    }

    /// The newest date of issue with a digest file of one of `formats` in `digests/`; `nil` when there is none
    /// (or the directory is missing). With `DigestSchedule.missedPeriods(after:now:)` this tells a starting
    /// daemon which digests it still owes. Temporary files and other names are ignored.
    public func lastWrittenDate() -> DigestDate? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: digestsDirectory.path) else {
            return nil
        }
        let extensions = Set(formats.map { "." + $0.fileExtension })
        var latest: DigestDate? = nil
        for name in names where name.utf8.count > 10 {
            let stem = String(name.prefix(10))
            guard extensions.contains(String(name.dropFirst(10))), let date = DigestDate(stem) else { continue }
            if latest.map({ date > $0 }) ?? true { latest = date }
        }
        return latest
    }

    /// Renders `data` in every configured format and writes the files (replacing any earlier ones whole),
    /// creating `digests/` if missing. Returns the files written, in format order.
    @discardableResult
    package func write(_ data: DigestData) throws(DigestError) -> [URL] {
        let dir = digestsDirectory
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw DigestError(kind: .createDirectory, path: dir.path, reason: Self.reason(of: error))
        }
        var written: [URL] = []
        var seen = Set<DigestFormat>()
        for format in formats where seen.insert(format).inserted {
            let url = fileURL(for: data.period.date, format: format)
            try Self.writeAtomically(format.render(data), to: url)
            written.append(url)
        }
        // Flushes the directory entry of the renames; best effort (some file systems refuse it).
        try? Syscall.fsyncDirectory(dir.path)
        return written
    }

    /// Writes `bytes` to `url` through a temporary file in the same directory, `fsync` and `rename`.
    public static func writeAtomically(_ bytes: Data, to url: URL) throws(DigestError) {
        do throws(SystemError) {
            try AtomicFile.replace(url.path, with: bytes)
        } catch {
            throw DigestError(kind: .writeFile, path: error.path ?? url.path, reason: error.reason)
        }
    }

    private static func reason(of error: Error) -> String {
        if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
            posix.domain == NSPOSIXErrorDomain
        {
            return SystemError.reason(Int32(posix.code))
        }
        return (error as NSError).localizedDescription
    }
}
