import Foundation
import NewswatchParse
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Memory that one parse takes must be given back: the daemon parses the same hostile feed on every poll.
@Suite struct ParserMemoryTests {
    /// Bytes malloc has handed out and not had back, from glibc's `malloc_info` totals (`<malloc.h>` is not in the
    /// Glibc module, so the function is looked up by name): the arenas' system memory plus mmap'd chunks, less the
    /// free chunks.
    private func bytesInUse() throws -> Int {
        typealias MallocInfo = @convention(c) (Int32, UnsafeMutablePointer<FILE>?) -> Int32
        let symbol = try #require(dlsym(dlopen(nil, RTLD_NOW), "malloc_info"))
        var buffer: UnsafeMutablePointer<CChar>?
        var length = 0
        let stream = try #require(open_memstream(&buffer, &length))
        _ = unsafeBitCast(symbol, to: MallocInfo.self)(0, stream)
        fclose(stream)
        let xml = String(cString: try #require(buffer))
        free(buffer)
        // The totals after the last </heap>: fast and rest (free chunks), mmap (in use), system current (arenas).
        let totals = xml[(xml.range(of: "</heap>", options: .backwards)?.upperBound ?? xml.startIndex)...]
        func size(_ tag: String) -> Int {
            guard let r = totals.range(of: tag), let open = totals[r.upperBound...].range(of: "size=\""),
                let close = totals[open.upperBound...].firstIndex(of: "\"")
            else { return 0 }
            return Int(totals[open.upperBound..<close]) ?? 0
        }
        return size("<system type=\"current\"") + size("<total type=\"mmap\"") - size("<total type=\"fast\"")
            - size("<total type=\"rest\"")
    }

    @Test func entityDeclarationsAreFreedAfterEachParse() throws {
        // An internal-subset entity makes libxml2 build a stand-in document (its "SAX compat mode") that holds the
        // entity's value; found by AddressSanitizer's leak check. 20 parses of a 1 MB entity: 20 MB if it leaks.
        let value = String(repeating: "A", count: 1_000_000)
        let doc = Data(
            ("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"\(value)\">]><rss version=\"2.0\"><channel>"
                + "<title>T</title><item><title>t &a;</title></item></channel></rss>").utf8)
        _ = try FeedParser.parse(doc)
        let before = try bytesInUse()
        for _ in 0..<20 { _ = try FeedParser.parse(doc) }
        let grown = try bytesInUse() - before
        #expect(grown < 5_000_000, "\(grown) bytes still in use after 20 parses")
    }
}
