import NewswatchCore

extension ParsedFeed {
    /// Makes every value safe to show and to link to, whatever the feed sent (CONTRACT §2, §4).
    ///
    /// Control characters go from every text, link and id (`ControlCharacters`); a link survives only as
    /// http(s) or as a relative reference, so `javascript:` and `data:` links never reach alerts, sinks or
    /// digests.
    mutating func makeSafe() {
        title = ControlCharacters.removed(from: title)
        link = Self.safeLink(link)
        description = ControlCharacters.removed(from: description)
        language = ControlCharacters.removed(from: language)
        for i in items.indices { items[i].makeSafe() }
    }

    /// `link` without control characters, or `nil` unless it is http(s) or relative.
    ///
    /// Browsers strip leading and trailing C0 and spaces and drop tabs and newlines anywhere in a URL
    /// (`java\tscript:` is `javascript:`), so the scheme is judged after the same cleaning.
    static func safeLink(_ link: String?) -> String? {
        guard let link else { return nil }
        let s = TextCleaner.trimmed(Array(ControlCharacters.removed(from: link).utf8))
        guard !s.isEmpty else { return nil }
        guard URLResolver.hasScheme(s) else { return s }
        let scheme = s.utf8.prefix(8).map { $0 | 0x20 }
        return scheme.starts(with: Array("http://".utf8)) || scheme.starts(with: Array("https://".utf8)) ? s : nil
    }
}

extension ParsedItem {
    mutating func makeSafe() {
        id = ControlCharacters.removed(from: id)
        title = ControlCharacters.removed(from: title)
        link = ParsedFeed.safeLink(link)
        author = ControlCharacters.removed(from: author)
        summary = ControlCharacters.removed(from: summary)
        content = ControlCharacters.removed(from: content)
        if categories.contains(where: { ControlCharacters.removed(from: $0) != $0 }) {
            categories = categories.compactMap { c -> String? in
                let r = ControlCharacters.removed(from: c)
                return r.isEmpty ? nil : r
            }
        }
    }
}
