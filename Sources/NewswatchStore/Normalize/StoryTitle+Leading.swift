extension StoryTitle {
    /// `String(text.prefix(limit))` — the first `limit` characters — without segmenting graphemes where the text is
    /// ASCII: there every byte is one character but CR LF. `prepare()` cuts every item's summary to the part its
    /// content key reads (issue 18).
    static func leading(_ text: String, characters limit: Int) -> String {
        // At most `limit` bytes are at most `limit` characters.
        if text.utf8.count <= limit { return text }
        var copy = text
        let fast = copy.withUTF8 { u -> String? in
            var i = 0
            var characters = 0
            while characters < limit {
                guard i < u.count, u[i] < 0x80 else { return nil }
                i += u[i] == 13 && i + 1 < u.count && u[i + 1] == 10 ? 2 : 1
                characters += 1
            }
            // A non-ASCII byte next might extend the last character (a combining mark): let `prefix` decide.
            guard i == u.count || u[i] < 0x80 else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: u[..<i]), as: UTF8.self)
        }
        return fast ?? String(text.prefix(limit))
    }
}
