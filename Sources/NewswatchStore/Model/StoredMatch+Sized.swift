import NewswatchCore

extension StoredMatch {
    /// The stored text of what the matcher returned, as `encode(_: [StoredMatch])` writes it, without making the
    /// `StoredMatch` values: a cold start encodes millions of matches, most of them naming one term in one field.
    /// Written straight into a string sized from the lengths, not grown in an array and copied (5 % of a cold round's
    /// CPU, issue 18). The size counts every byte as written unescaped — exact but for a term or field repeated in a
    /// match — and only a text with one of the three separator bytes in it (all but unknown) is written again into
    /// room for every byte escaped. Sized for that worst case every time, the strings held twice their length while
    /// their batch waited for the writer (2,000 topics, heaptrack: 13.1 MB of a cold round's 50.6 MB heap peak).
    static func encode(_ matches: [TopicMatch]) -> String? {
        guard !matches.isEmpty else { return nil }
        // Read in place: iterating the array copied out each match, retaining and releasing its id and terms.
        return matches.withUnsafeBufferPointer { matches in
            // A separator before every match but the first; per match its id and a separator, per term a field
            // letter, a separator and the term.
            var capacity = -1
            for m in matches {
                capacity += m.topicID.utf8.count + 2
                for t in m.terms { capacity += t.term.utf8.count + 2 }
            }
            if let text = encode(matches, capacity: capacity, escaping: false) { return text }
            return encode(matches, capacity: 2 * capacity, escaping: true)
        }
    }

    /// The text in a string of `capacity` bytes; `nil` when a text needs escaping and `escaping` (room for every byte
    /// escaped) is false.
    private static func encode(_ matches: UnsafeBufferPointer<TopicMatch>, capacity: Int, escaping: Bool) -> String? {
        var fits = true
        let text = String(unsafeUninitializedCapacity: capacity) { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var out = SizedWriter(base: base, capacity: capacity, escaping: escaping)
            for m in matches {
                if out.count > 0 { out.byte(matchSeparator) }
                guard out.string(m.topicID) else { break }
                out.byte(partSeparator)
                let terms = m.terms
                if terms.count == 1 {
                    out.byte(letter(terms[0].field))
                    out.byte(partSeparator)
                    guard out.string(terms[0].term) else { break }
                    continue
                }
                // Terms per match are few: linear scans beat hashing them.
                for (i, t) in terms.enumerated() where !terms[..<i].contains(where: { $0.field == t.field }) {
                    out.byte(letter(t.field))
                }
                for (i, t) in terms.enumerated() where !terms[..<i].contains(where: { $0.term == t.term }) {
                    out.byte(partSeparator)
                    guard out.string(t.term) else { break }
                }
            }
            fits = !out.overflowed
            return fits ? out.count : 0
        }
        return fits ? text : nil
    }

    /// Writes into memory that `encode` sized: for every byte unescaped, or (`escaping`) for every byte escaped. In
    /// the first, a text that needs escaping is not written and the writer has `overflowed`: what follows still
    /// fits, and is thrown away.
    private struct SizedWriter {
        let base: UnsafeMutablePointer<UInt8>
        let capacity: Int
        let escaping: Bool
        var count = 0
        var overflowed = false

        init(base: UnsafeMutablePointer<UInt8>, capacity: Int, escaping: Bool) {
            self.base = base
            self.capacity = capacity
            self.escaping = escaping
        }

        @inline(__always) mutating func byte(_ b: UInt8) {
            assert(count < capacity, "StoredMatch.encode sized \(capacity) bytes")
            base[count] = b
            count += 1
        }

        /// The string's bytes as a block, then checked for the three separator bytes: written again, escaped, if one
        /// is there and there is room for escapes; false when there is not.
        @inline(__always) mutating func string(_ s: String) -> Bool {
            let start = count
            assert(start + s.utf8.count <= capacity, "StoredMatch.encode sized \(capacity) bytes")
            count += (base + start).copyUTF8(of: s)
            if SizedWriter.clean(base + start, count: count - start) { return true }
            count = start
            guard escaping else {
                overflowed = true
                return false
            }
            for b in s.utf8 {
                if b >= StoredMatch.escape && b <= StoredMatch.partSeparator {
                    byte(StoredMatch.escape)
                    byte(b + 0x40)
                } else {
                    byte(b)
                }
            }
            return true
        }

        /// Whether none of the `count` bytes at `p` is a separator or the escape byte, eight bytes at a time: the
        /// bytes 0x1C–0x1F are those whose top six bits are 0x1C, i.e. a zero byte of `(w & 0xFC…) ^ 0x1C…` (0x1C
        /// itself only sends the string to the careful copy, which leaves it as it is — and, in a string sized
        /// without escapes, to the second, escaping, encoding).
        @inline(__always) static func clean(_ p: UnsafeMutablePointer<UInt8>, count: Int) -> Bool {
            let raw = UnsafeRawPointer(p)
            var i = 0
            while i + 8 <= count {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let y = (w & 0xFCFC_FCFC_FCFC_FCFC) ^ 0x1C1C_1C1C_1C1C_1C1C
                if (y &- 0x0101_0101_0101_0101) & ~y & 0x8080_8080_8080_8080 != 0 { return false }
                i += 8
            }
            while i < count {
                if p[i] & 0xFC == 0x1C { return false }
                i += 1
            }
            return true
        }
    }
}
