/// The namespaces a feed parser cares about, by URI.
enum FeedNamespace: UInt8, Sendable {
    case none, atom10, atom03, rss10, rss090, rdf, content, dc, dcterms, media, syndication, xml, xhtml, other

    static func of(uri: [UInt8]) -> FeedNamespace {
        byURI[uri] ?? .other
    }

    private static let byURI: [[UInt8]: FeedNamespace] = {
        let table: [(String, FeedNamespace)] = [
            ("http://www.w3.org/2005/Atom", .atom10),
            ("http://purl.org/atom/ns#", .atom03),
            ("http://purl.org/rss/1.0/", .rss10),
            ("http://my.netscape.com/rdf/simple/0.9/", .rss090),
            ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", .rdf),
            ("http://purl.org/rss/1.0/modules/content/", .content),
            ("http://purl.org/dc/elements/1.1/", .dc),
            ("http://purl.org/dc/terms/", .dcterms),
            ("http://search.yahoo.com/mrss/", .media),
            ("http://search.yahoo.com/mrss", .media),
            ("http://purl.org/rss/1.0/modules/syndication/", .syndication),
            ("http://www.w3.org/XML/1998/namespace", .xml),
            ("http://www.w3.org/1999/xhtml", .xhtml),
        ]
        var d: [[UInt8]: FeedNamespace] = [:]
        for (uri, ns) in table { d[Array(uri.utf8)] = ns }
        return d
    }()
}

/// The element and attribute local names a feed parser cares about.
enum FeedName: UInt8, Sendable {
    case other
    case rss, channel, item, entry, feed, RDF, title, link, description, summary, content, encoded, guid, id
    case pubDate, published, issued, updated, modified, created, lastBuildDate, date, creator, author, name, email
    case category, subject, language, ttl, subtitle, tagline, source, updatePeriod, updateFrequency, group

    static func of(_ bytes: [UInt8]) -> FeedName {
        byName[bytes] ?? .other
    }

    private static let byName: [[UInt8]: FeedName] = {
        let all: [FeedName] = [
            .rss, .channel, .item, .entry, .feed, .RDF, .title, .link, .description, .summary, .content, .encoded,
            .guid, .id, .pubDate, .published, .issued, .updated, .modified, .created, .lastBuildDate, .date,
            .creator, .author, .name, .email, .category, .subject, .language, .ttl, .subtitle, .tagline, .source,
            .updatePeriod, .updateFrequency, .group,
        ]
        var d: [[UInt8]: FeedName] = [:]
        for n in all { d[Array(String(describing: n).utf8)] = n }
        return d
    }()
}

/// An element as the parser classifies it: namespace and local name.
struct FeedTag: Sendable, Equatable {
    var ns: FeedNamespace
    var name: FeedName
}
