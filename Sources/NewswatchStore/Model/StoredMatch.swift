import NewswatchCore

/// The topics one matching pass found for one item, as stored: one column value per item and pass instead of one
/// row per (item, topic).
///
/// Broad topic sets match an item against ~20 topics; one row each made a cold start write millions of rows. The
/// text is compact JSON, `[["topic",["term",…],["field",…]],…]`, so it stays readable with the `sqlite3` shell.
/// Topics are kept in the order the matcher gave them; `decode` returns them sorted by id (byte order, as SQLite
/// sorts text), which is the order digests list them in.
public struct StoredMatch: Sendable, Equatable {
    public var topic: String
    /// Distinct matched terms as written in the query, in first-occurrence order.
    public var terms: [String]
    /// Distinct fields the terms matched in, in first-occurrence order.
    public var fields: [ItemField]

    public init(topic: String, terms: [String], fields: [ItemField]) {
        self.topic = topic
        self.terms = terms
        self.fields = fields
    }

    /// The JSON text of `matches` (`nil` when there are none: the column stays NULL).
    static func encode(_ matches: [StoredMatch]) -> String? {
        guard !matches.isEmpty else { return nil }
        var out = Writer()
        for m in matches {
            out.open(topic: m.topic)
            for (i, t) in m.terms.enumerated() { out.element(t, first: i == 0) }
            out.between()
            for (i, f) in m.fields.enumerated() { out.element(f.rawValue, first: i == 0) }
            out.close()
        }
        return out.finish()
    }

    /// The JSON text of what the matcher returned, as `encode(_: [StoredMatch])` writes it, without making the
    /// `StoredMatch` values: a cold start encodes millions of matches, most of them naming one term in one field.
    static func encode(_ matches: [TopicMatch]) -> String? {
        guard !matches.isEmpty else { return nil }
        var out = Writer()
        for m in matches {
            out.open(topic: m.topicID)
            let terms = m.terms
            if terms.count == 1 {
                out.element(terms[0].term, first: true)
                out.between()
                out.element(terms[0].field.rawValue, first: true)
            } else {
                // Terms per match are few: a linear scan beats hashing them.
                var seenFields: [ItemField] = []
                for (i, t) in terms.enumerated()
                where !terms[..<i].contains(where: { $0.term == t.term }) {
                    out.element(t.term, first: i == 0)
                }
                out.between()
                for t in terms where !seenFields.contains(t.field) {
                    out.element(t.field.rawValue, first: seenFields.isEmpty)
                    seenFields.append(t.field)
                }
            }
            out.close()
        }
        return out.finish()
    }

    /// Writes the JSON into a byte buffer.
    private struct Writer {
        var bytes: [UInt8] = []

        init() { bytes.reserveCapacity(1024) }

        /// `[` or `,`, then `["topic",[`.
        mutating func open(topic: String) {
            bytes.append(bytes.isEmpty ? UInt8(ascii: "[") : UInt8(ascii: ","))
            bytes.append(UInt8(ascii: "["))
            string(topic)
            bytes.append(UInt8(ascii: ","))
            bytes.append(UInt8(ascii: "["))
        }

        mutating func element(_ s: String, first: Bool) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            string(s)
        }

        /// `],[` between the terms and the fields.
        mutating func between() {
            bytes.append(UInt8(ascii: "]"))
            bytes.append(UInt8(ascii: ","))
            bytes.append(UInt8(ascii: "["))
        }

        mutating func close() {
            bytes.append(UInt8(ascii: "]"))
            bytes.append(UInt8(ascii: "]"))
        }

        /// Topic ids and query terms almost never need escaping: copy those as they are, in one pass.
        private mutating func string(_ s: String) {
            let mark = bytes.count
            bytes.append(UInt8(ascii: "\""))
            var plain = true
            for b in s.utf8 {
                if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b >= 0xE2 { plain = false }
                bytes.append(b)
            }
            if plain {
                bytes.append(UInt8(ascii: "\""))
            } else {
                bytes.removeSubrange(mark...)
                var escaped = ""
                JSONValue.writeEscaped(s, to: &escaped)
                bytes.append(contentsOf: escaped.utf8)
            }
        }

        mutating func finish() -> String {
            bytes.append(UInt8(ascii: "]"))
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The matches in `text` (as written by `encode`), sorted by topic id; `[]` for NULL or anything unreadable.
    static func decode(_ text: String?) -> [StoredMatch] {
        guard let text else { return [] }
        var reader = Reader(bytes: Array(text.utf8))
        guard let value = reader.readValue(depth: 0), reader.atEnd, case .array(let entries) = value else { return [] }
        var result: [StoredMatch] = []
        result.reserveCapacity(entries.count)
        for entry in entries {
            guard case .array(let parts) = entry, parts.count == 3, case .string(let topic) = parts[0],
                case .array(let terms) = parts[1], case .array(let fields) = parts[2]
            else { return [] }
            result.append(
                StoredMatch(
                    topic: topic, terms: terms.compactMap(\.string),
                    fields: fields.compactMap { $0.string.flatMap(ItemField.init(rawValue:)) }))
        }
        result.sort { $0.topic.utf8.lexicographicallyPrecedes($1.topic.utf8) }
        return result
    }

    /// The JSON subset `encode` writes: arrays and strings.
    private enum Value {
        case array([Value])
        case string(String)

        var string: String? {
            if case .string(let s) = self { return s }
            return nil
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var i = 0

        var atEnd: Bool {
            mutating get {
                skipSpace()
                return i == bytes.count
            }
        }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
                i += 1
            }
        }

        mutating func readValue(depth: Int) -> Value? {
            skipSpace()
            guard i < bytes.count, depth < 8 else { return nil }
            switch bytes[i] {
            case UInt8(ascii: "["):
                i += 1
                var elements: [Value] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    return .array(elements)
                }
                while true {
                    guard let v = readValue(depth: depth + 1) else { return nil }
                    elements.append(v)
                    skipSpace()
                    guard i < bytes.count else { return nil }
                    if bytes[i] == UInt8(ascii: ",") {
                        i += 1
                    } else if bytes[i] == UInt8(ascii: "]") {
                        i += 1
                        return .array(elements)
                    } else {
                        return nil
                    }
                }
            case UInt8(ascii: "\""):
                return readString().map(Value.string)
            default:
                return nil
            }
        }

        mutating func readString() -> String? {
            i += 1
            let start = i
            while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\") { i += 1 }
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: "\"") {
                defer { i += 1 }
                return String(decoding: bytes[start..<i], as: UTF8.self)
            }
            var out = Array(bytes[start..<i])
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                }
                guard b == UInt8(ascii: "\\") else {
                    out.append(b)
                    i += 1
                    continue
                }
                guard i + 1 < bytes.count else { return nil }
                let e = bytes[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard var scalar = readHex4() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"),
                        bytes[i + 1] == UInt8(ascii: "u")
                    {
                        i += 2
                        guard let low = readHex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    out.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
                default: return nil
                }
            }
            return nil
        }

        mutating func readHex4() -> UInt32? {
            guard i + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[i]
                let d: UInt32
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
                default: return nil
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }
    }
}
