import Foundation
import NewswatchCore

/// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), through Foundation's `JSONSerialization`.
enum JSONFeedParser {
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, baseURL: String?, html: HTMLTextExtractor)
        -> Result<ParsedFeed, ParseError>
    {
        let data = Data(buffer: bytes)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            return .failure(ParseError(.malformed, "neither XML nor valid JSON"))
        }
        guard let root = object as? [String: Any] else {
            return .failure(ParseError(.notAFeed, "JSON that is not a JSON Feed (no top-level object)"))
        }
        guard let version = root["version"] as? String,
            version.hasPrefix("https://jsonfeed.org/version/1") || version.hasPrefix("http://jsonfeed.org/version/1")
        else {
            return .failure(ParseError(.notAFeed, "JSON that is not a JSON Feed (no jsonfeed.org version)"))
        }
        var warnings: [String] = []
        var doubleEscaped = false
        func plain(_ v: Any?) -> String? {
            guard let s = v as? String else { return nil }
            let t = HTMLText.cleanPlain(s)
            return t.isEmpty ? nil : t
        }
        func fromHTML(_ v: Any?) -> String? {
            guard var s = v as? String else { return nil }
            let t = s.withUTF8 { b in
                TextCleaner.mayHoldMarkup(b) ? html.plainText(b, doubleEscaped: &doubleEscaped) : TextCleaner.clean(b)
            }
            return t.isEmpty ? nil : t
        }
        func link(_ v: Any?) -> String? {
            guard let s = v as? String else { return nil }
            let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
            return t.isEmpty ? nil : URLResolver.resolve(t, against: baseURL)
        }
        func date(_ v: Any?) -> Date? { (v as? String).flatMap(FeedDate.parse) }
        func author(_ item: [String: Any]) -> String? {
            if let authors = item["authors"] as? [[String: Any]] {
                for a in authors { if let n = plain(a["name"]) { return n } }
            }
            if let a = item["author"] as? [String: Any] { return plain(a["name"]) }
            return nil
        }

        var items: [ParsedItem] = []
        let rawItems = root["items"] as? [Any] ?? []
        if root["items"] != nil, root["items"] as? [Any] == nil { warnings.append("\"items\" is not an array") }
        for case let entry as [String: Any] in rawItems {
            var id: String?
            if let s = entry["id"] as? String {
                id = s
            } else if let n = entry["id"] as? NSNumber {
                id = n.stringValue  // 1.0 feeds sometimes use numbers; the spec says string
            }
            let content = fromHTML(entry["content_html"]) ?? plain(entry["content_text"])
            var tags: [String] = []
            for case let t as String in entry["tags"] as? [Any] ?? [] {
                let c = HTMLText.cleanPlain(t)
                if !c.isEmpty, !tags.contains(c) { tags.append(c) }
            }
            items.append(
                ParsedItem(
                    id: id, title: plain(entry["title"]), link: link(entry["url"]) ?? link(entry["external_url"]),
                    published: date(entry["date_published"]), updated: date(entry["date_modified"]),
                    author: author(entry), summary: plain(entry["summary"]), content: content, categories: tags))
        }
        if doubleEscaped { warnings.append("double-escaped HTML read as HTML") }
        return .success(
            ParsedFeed(
                format: .jsonFeed1, title: plain(root["title"]), link: link(root["home_page_url"]),
                description: plain(root["description"]), language: plain(root["language"]), updated: nil,
                ttlMinutes: nil, items: items, warnings: warnings))
    }
}
