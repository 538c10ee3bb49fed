// Any bytes as a fetched feed: encoding sniffing, entity repair, libxml2 SAX, HTML→text of every field.
import Foundation
import FuzzSupport
import NewswatchParse

LibFuzzer.run { data, size in
    let bytes = Data(buffer: LibFuzzer.bytes(data, size))
    // Both the fetch path (base URL, charset from Content-Type) and the `parse FILE` path (neither).
    _ = try? FeedParser.parse(bytes, baseURL: "https://example.com/feeds/news.xml", httpCharset: "utf-8")
    _ = try? FeedParser.parse(bytes)
    return 0
}
