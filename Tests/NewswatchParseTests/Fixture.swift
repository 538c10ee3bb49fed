import Foundation
import NewswatchCore
import NewswatchParse
import Testing

/// Fixture files of this test target.
enum Fixture {
    static func data(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil))
        return try Data(contentsOf: url)
    }

    static func feed(_ name: String, baseURL: String? = nil) throws -> ParsedFeed {
        try FeedParser.parse(data(name), baseURL: baseURL)
    }
}

/// Parses a document given as text (UTF-8).
func parse(_ text: String, baseURL: String? = nil, httpCharset: String? = nil) throws -> ParsedFeed {
    try FeedParser.parse(Data(text.utf8), baseURL: baseURL, httpCharset: httpCharset)
}

/// The date of a `YYYY-MM-DDTHH:MM:SSZ` literal.
func utc(_ s: String) -> Date? { Timestamp.parse(s) }

/// The kind of error parsing `data` throws, or `nil` when it parses.
func parseErrorKind(_ data: Data) -> ParseError.Kind? {
    do {
        _ = try FeedParser.parse(data)
        return nil
    } catch {
        return error.kind
    }
}

/// A minimal RSS 2.0 document around one item's inner XML.
func rss(item: String, channel: String = "<title>T</title>") -> String {
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>\(channel)<item>\(item)</item></channel></rss>"
}
