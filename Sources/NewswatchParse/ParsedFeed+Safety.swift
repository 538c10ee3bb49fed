import NewswatchCore

extension ParsedFeed {
    /// Makes every value safe to show and to link to, whatever the feed sent (CONTRACT §2, §4).
    ///
    /// Prose fields (titles, descriptions, summaries, content, authors' names, categories) come out of
    /// `TextCleaner.clean`, which leaves no control character; the values taken raw (ids, links, language, an
    /// author's e-mail) lose theirs here (`ControlCharacters`). A link survives only as http(s) or as a relative
    /// reference, so `javascript:` and `data:` links never reach alerts, sinks or digests.
    mutating func makeSafe() {
        link = Self.safeLink(link)
        language = ControlCharacters.removed(from: language)
        for i in items.indices {
            items[i].id = ControlCharacters.removed(from: items[i].id)
            items[i].link = Self.safeLink(items[i].link)
            items[i].author = ControlCharacters.removed(from: items[i].author)
        }
    }

    /// `link` without control characters, or `nil` unless it is http(s) or relative.
    ///
    /// Browsers strip leading and trailing C0 and spaces and drop tabs and newlines anywhere in a URL
    /// (`java\tscript:` is `javascript:`), so the scheme is judged after the same cleaning.
    static func safeLink(_ link: String?) -> String? {
        guard var s = link else { return nil }
        if s.utf8.first == 0x20 || s.utf8.last == 0x20 || ControlCharacters.contains(s) {
            s = TextCleaner.trimmed(Array(ControlCharacters.removed(from: s).utf8))
        }
        guard !s.isEmpty else { return nil }
        guard URLResolver.hasScheme(s) else { return s }
        return isHTTP(s) ? s : nil
    }

    /// Whether `s` starts with `http://` or `https://`, in any case.
    private static func isHTTP(_ s: String) -> Bool {
        var bytes = s.utf8.makeIterator()
        for expected in "http".utf8 {
            guard let c = bytes.next(), c | 0x20 == expected else { return false }
        }
        var next = bytes.next()
        if let c = next, c | 0x20 == 0x73 { next = bytes.next() }  // 's'
        return next == 0x3A && bytes.next() == 0x2F && bytes.next() == 0x2F
    }
}
