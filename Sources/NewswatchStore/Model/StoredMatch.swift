import NewswatchCore

/// The topics one matching pass found for one item, as stored: one column value per item and pass instead of one
/// row per (item, topic).
///
/// Broad topic sets match an item against ~20 topics; one row each made a cold start write millions of rows, and
/// even as JSON in one column the matches were half the database. The text is therefore compact: per match the
/// topic id, the fields as letters (`t`itle, `s`ummary, `c`ontent, `f`eed, cate`g`ory, in first-occurrence order)
/// and the terms, separated by U+001F; matches separated by U+001E. Those two bytes, and the escape byte U+001D, are
/// written inside a string as U+001D followed by the byte + 0x40 (`]`, `^`, `_`), so any topic id or term survives.
/// Topics are kept in the order the matcher gave them; `decode` returns them sorted by id (byte order, as SQLite
/// sorts text), which is the order digests list them in.
struct StoredMatch: Sendable, Equatable {
    var topic: String
    /// Distinct matched terms as written in the query, in first-occurrence order.
    var terms: [String]
    /// Distinct fields the terms matched in, in first-occurrence order.
    var fields: [ItemField]

    init(topic: String, terms: [String], fields: [ItemField]) {
        self.topic = topic
        self.terms = terms
        self.fields = fields
    }

    static let matchSeparator: UInt8 = 0x1E
    static let partSeparator: UInt8 = 0x1F
    static let escape: UInt8 = 0x1D

    /// The stored text of `matches` (`nil` when there are none: the column stays NULL).
    static func encode(_ matches: [StoredMatch]) -> String? {
        guard !matches.isEmpty else { return nil }
        var out = Writer()
        for m in matches {
            out.open(topic: m.topic)
            for f in m.fields { out.field(f) }
            for t in m.terms { out.term(t) }
        }
        return out.finish()
    }

    static func letter(_ field: ItemField) -> UInt8 {
        switch field {
        case .title: UInt8(ascii: "t")
        case .summary: UInt8(ascii: "s")
        case .content: UInt8(ascii: "c")
        case .feed: UInt8(ascii: "f")
        case .category: UInt8(ascii: "g")
        }
    }

    static func field(_ letter: UInt8) -> ItemField? {
        switch letter {
        case UInt8(ascii: "t"): .title
        case UInt8(ascii: "s"): .summary
        case UInt8(ascii: "c"): .content
        case UInt8(ascii: "f"): .feed
        case UInt8(ascii: "g"): .category
        default: nil
        }
    }

    private struct Writer {
        var bytes: [UInt8] = []

        init() { bytes.reserveCapacity(512) }

        /// Starts a match: separator (after the first), topic id, separator before the field letters.
        mutating func open(topic: String) {
            if !bytes.isEmpty { bytes.append(StoredMatch.matchSeparator) }
            string(topic)
            bytes.append(StoredMatch.partSeparator)
        }

        mutating func field(_ f: ItemField) { bytes.append(StoredMatch.letter(f)) }

        mutating func term(_ t: String) {
            bytes.append(StoredMatch.partSeparator)
            string(t)
        }

        private mutating func string(_ s: String) {
            // Copy the bytes as a block, then look for the three separator bytes (they are all but unknown).
            let mark = bytes.count
            bytes.append(contentsOf: s.utf8)
            var clean = true
            for i in mark..<bytes.count where bytes[i] >= StoredMatch.escape && bytes[i] <= StoredMatch.partSeparator {
                clean = false
                break
            }
            if clean { return }
            bytes.removeSubrange(mark...)
            for b in s.utf8 {
                if b >= StoredMatch.escape && b <= StoredMatch.partSeparator {
                    bytes.append(StoredMatch.escape)
                    bytes.append(b + 0x40)
                } else {
                    bytes.append(b)
                }
            }
        }

        func finish() -> String { String(decoding: bytes, as: UTF8.self) }
    }

    /// The matches in `text` (as written by `encode`), sorted by topic id; `[]` for NULL or anything unreadable.
    static func decode(_ text: String?) -> [StoredMatch] {
        guard var text, !text.isEmpty else { return [] }
        var result: [StoredMatch] = []
        let ok = text.withUTF8 { bytes -> Bool in
            for entry in bytes.split(separator: matchSeparator, omittingEmptySubsequences: false) {
                let parts = entry.split(separator: partSeparator, omittingEmptySubsequences: false)
                guard parts.count >= 2, let topic = unescaped(parts[0]), !topic.isEmpty else { return false }
                var fields: [ItemField] = []
                for letter in parts[1] {
                    guard let f = field(letter) else { return false }
                    fields.append(f)
                }
                var terms: [String] = []
                for part in parts.dropFirst(2) {
                    guard let term = unescaped(part) else { return false }
                    terms.append(term)
                }
                result.append(StoredMatch(topic: topic, terms: terms, fields: fields))
            }
            return true
        }
        guard ok else { return [] }
        result.sort { $0.topic.utf8.lexicographicallyPrecedes($1.topic.utf8) }
        return result
    }

    private static func unescaped(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
        guard bytes.contains(escape) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == escape {
                let next = bytes.index(after: i)
                guard next < bytes.endIndex, (escape + 0x40...partSeparator + 0x40).contains(bytes[next]) else {
                    return nil
                }
                out.append(bytes[next] - 0x40)
                i = bytes.index(after: next)
            } else {
                out.append(b)
                i = bytes.index(after: i)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
