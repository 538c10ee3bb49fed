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
        // On the bytes, once: the `String` views' generic `first`, `last` and iterators cost more than the checks.
        let plain = s.withUTF8 { b in b.first != 0x20 && b.last != 0x20 && ControlCharacters.firstControl(b) == nil }
        if !plain {
            s = TextCleaner.trimmed(Array(ControlCharacters.removed(from: s).utf8))
        }
        guard !s.isEmpty else { return nil }
        return s.withUTF8 { !URLResolver.hasScheme($0) || isHTTP($0) } ? s : nil
    }

    /// Whether `b` starts with `http://` or `https://`, in any case.
    private static func isHTTP(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        for expected in "http".utf8 {
            guard i < b.count, b[i] | 0x20 == expected else { return false }
            i += 1
        }
        if i < b.count, b[i] | 0x20 == 0x73 { i += 1 }  // 's'
        return i + 3 <= b.count && b[i] == 0x3A && b[i + 1] == 0x2F && b[i + 2] == 0x2F
    }
}
