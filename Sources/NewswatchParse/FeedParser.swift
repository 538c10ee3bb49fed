import Foundation
import NewswatchCore

/// Bytes in, `ParsedFeed` out: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.x.
///
/// The format is detected from the content alone. The bytes are first made valid UTF-8
/// (`InputDecoder`), then broken entity references are repaired (`EntityRepair`), then one SAX
/// pass of libxml2 builds the feed (`XMLFeedParser`); JSON goes to `JSONFeedParser`. For a well-formed feed in
/// valid UTF-8 (most of them) one pre-scan (`PreScan`) does the validation, the hostile-markup check and the search
/// for broken references at once, and the document is never copied.
/// - Important: safe on hostile input: no entity is ever expanded or loaded, the network and the
///   file system are never touched, nesting and field sizes are bounded.
public enum FeedParser {
    /// The largest document accepted (libxml2 counts bytes in an `Int32`).
    public static let maxDocumentBytes = 1 << 30

    /// Detects the format from content (never from file name or content type) and parses.
    ///
    /// - Parameters:
    ///   - baseURL: the document's own URL, against which relative links are resolved (after `xml:base`).
    ///   - httpCharset: the `charset` of an HTTP `Content-Type`, if the caller fetched the document.
    /// - Returns: the feed, with `warnings` listing what was recovered from.
    /// - Throws: `ParseError` when the document is not a feed at all (empty, binary, HTML, other XML or JSON).
    public static func parse(_ data: Data, baseURL: String? = nil, httpCharset: String? = nil) throws(ParseError)
        -> ParsedFeed
    {
        let result: Result<ParsedFeed, ParseError> = data.withUnsafeBytes { raw in
            parse(bytes: raw.assumingMemoryBound(to: UInt8.self), baseURL: baseURL, httpCharset: httpCharset)
        }
        return try result.get()
    }

    static func parse(bytes: UnsafeBufferPointer<UInt8>, baseURL: String?, httpCharset: String?) -> Result<
        ParsedFeed, ParseError
    > {
        parse(bytes: bytes, baseURL: baseURL, httpCharset: httpCharset, prescan: true)
    }

    /// - Parameter prescan: try the fused pre-pass first (`PreScan`); `false` runs the separate passes only (tests
    ///   hold the two to the same result).
    static func parse(bytes: UnsafeBufferPointer<UInt8>, baseURL: String?, httpCharset: String?, prescan: Bool)
        -> Result<ParsedFeed, ParseError>
    {
        guard bytes.count <= maxDocumentBytes else {
            return .failure(ParseError(.tooLarge, "\(bytes.count) bytes; at most \(maxDocumentBytes) are parsed"))
        }
        var warnings: [String] = []
        let html = HTMLTextExtractor()
        let result = decodeAndParse(bytes, baseURL, httpCharset, html, &warnings, prescan: prescan)
        if html.hostileFragments > 0 {
            warnings.append(
                "\(html.hostileFragments) HTML field\(html.hostileFragments == 1 ? "" : "s") with hostile markup dropped"
            )
        }
        // Consumed, so that the feed's items have one owner and `makeSafe` changes them in place instead of copying.
        switch consume result {
        case .failure(let error):
            return .failure(error)
        case .success(var feed):
            feed.makeSafe()
            feed.warnings = warnings + feed.warnings
            return .success(feed)
        }
    }

    /// Decodes and parses.
    ///
    /// Most documents are well-formed feeds in valid UTF-8: one pre-scan decides that before libxml2 runs. When it
    /// cannot (invalid UTF-8, hostile markup, JSON, junk before the root), the document is decoded again and goes
    /// through the separate passes, which repair it or word the error.
    private static func decodeAndParse(
        _ bytes: UnsafeBufferPointer<UInt8>, _ baseURL: String?, _ httpCharset: String?, _ html: HTMLTextExtractor,
        _ warnings: inout [String], prescan: Bool
    ) -> Result<ParsedFeed, ParseError> {
        if prescan, let result = attempt(bytes, baseURL, httpCharset, html, &warnings, deferring: true, prescan: true) {
            return result
        }
        warnings.removeAll()
        return attempt(bytes, baseURL, httpCharset, html, &warnings, deferring: false, prescan: prescan)
            ?? .failure(ParseError(.malformed, "the document could not be decoded"))
    }

    /// One decode and parse; `nil` only when `deferring` UTF-8 validation and the pre-scan left the document to the
    /// separate passes. Without `prescan` only the separate passes run.
    private static func attempt(
        _ bytes: UnsafeBufferPointer<UInt8>, _ baseURL: String?, _ httpCharset: String?, _ html: HTMLTextExtractor,
        _ warnings: inout [String], deferring: Bool, prescan: Bool
    ) -> Result<ParsedFeed, ParseError>? {
        let decoded = InputDecoder.decode(
            bytes, httpCharset: httpCharset, warnings: &warnings, deferringValidation: deferring)
        if let converted = decoded.bytes {
            return converted.withUnsafeBufferPointer {
                parseUTF8($0, baseURL: baseURL, html: html, warnings: &warnings, validated: true, prescan: prescan)
            }
        }
        return parseUTF8(
            UnsafeBufferPointer(rebasing: bytes[decoded.range]), baseURL: baseURL, html: html, warnings: &warnings,
            validated: decoded.validated, prescan: prescan)
    }

    /// Parses UTF-8 bytes; when they are not yet `validated`, returns `nil` for anything but a document that starts
    /// with markup and that `PreScan` finds clean.
    private static func parseUTF8(
        _ b: UnsafeBufferPointer<UInt8>, baseURL: String?, html: HTMLTextExtractor, warnings: inout [String],
        validated: Bool, prescan: Bool
    ) -> Result<ParsedFeed, ParseError>? {
        var i = 0
        while i < b.count, FeedDate.isSpace(b[i]) { i += 1 }
        guard i < b.count else {
            return .failure(
                ParseError(.empty, b.isEmpty ? "the document is empty" : "the document is only white space"))
        }
        if !validated, b[i] != 0x3C { return nil }
        if b[i] == 0x7B || b[i] == 0x5B {  // '{' or '['
            return JSONFeedParser.parse(UnsafeBufferPointer(rebasing: b[i...]), baseURL: baseURL, html: html)
        }
        var start = i
        if b[i] != 0x3C {
            guard let root = firstMarkup(b, from: i) else {
                let binary = b.prefix(4096).contains { $0 == 0 || ($0 < 0x20 && !FeedDate.isSpace($0)) }
                return .failure(
                    ParseError(binary ? .malformed : .notAFeed, binary ? "binary data" : "plain text, not XML or JSON"))
            }
            warnings.append("\(root - i) bytes of junk before the document skipped")
            start = root
        } else if i > 0, i + 5 < b.count, b[i + 1] == 0x3F {
            warnings.append("white space before the XML declaration ignored")
        }
        let body = UnsafeBufferPointer(rebasing: b[start...])
        var entitiesFine = false
        if prescan, case .clean(let fine) = PreScan.scan(body) {
            // What precedes `body` is white space or was validated; the pre-scan validated the rest.
            entitiesFine = fine
        } else {
            guard validated else { return nil }
            if let hostile = MarkupGuard.violation(in: body, html: false) {
                return .failure(ParseError(.hostile, hostile))
            }
        }
        let parser = XMLFeedParser(baseURL: baseURL, html: html)
        let result: Result<ParsedFeed, ParseError>
        if !entitiesFine, let repaired = EntityRepair.repair(body, warnings: &warnings) {
            result = repaired.withUnsafeBufferPointer { parser.parse($0) }
        } else {
            result = parser.parse(body)
        }
        warnings += parser.warnings
        return result
    }

    /// Where a document's markup starts when junk (a PHP notice, say) precedes it: the first `<?xml`,
    /// `<rss`, `<feed` or `<rdf:RDF` in the first 4 KiB.
    private static func firstMarkup(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        let end = min(b.count, from + 4096)
        let needles = ["<?xml", "<rss", "<feed", "<rdf:RDF"].map { Array($0.utf8) }
        var i = from
        while i < end {
            if b[i] == 0x3C {
                for n in needles where i + n.count <= b.count && Array(b[i..<(i + n.count)]) == n { return i }
            }
            i += 1
        }
        return nil
    }
}
