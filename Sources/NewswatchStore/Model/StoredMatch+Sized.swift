import NewswatchCore

extension StoredMatch {
    /// The stored text of what the matcher returned, as `encode(_: [StoredMatch])` writes it, without making the
    /// `StoredMatch` values: a cold start encodes millions of matches, most of them naming one term in one field.
    /// Written straight into a string sized for the worst case (every byte escaped), not grown in an array and
    /// copied: this was 5 % of a cold round's CPU (issue 18).
    static func encode(_ matches: [TopicMatch]) -> String? {
        guard !matches.isEmpty else { return nil }
        var capacity = 0
        for m in matches {
            capacity += 2 * m.topicID.utf8.count + 2
            for t in m.terms { capacity += 2 * t.term.utf8.count + 2 }
        }
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var out = SizedWriter(base: base)
            for m in matches {
                if out.count > 0 { out.byte(matchSeparator) }
                out.string(m.topicID)
                out.byte(partSeparator)
                let terms = m.terms
                if terms.count == 1 {
                    out.byte(letter(terms[0].field))
                    out.byte(partSeparator)
                    out.string(terms[0].term)
                    continue
                }
                // Terms per match are few: linear scans beat hashing them.
                for (i, t) in terms.enumerated() where !terms[..<i].contains(where: { $0.field == t.field }) {
                    out.byte(letter(t.field))
                }
                for (i, t) in terms.enumerated() where !terms[..<i].contains(where: { $0.term == t.term }) {
                    out.byte(partSeparator)
                    out.string(t.term)
                }
            }
            return out.count
        }
    }

    /// Writes into memory that `encode` sized for the worst case.
    private struct SizedWriter {
        let base: UnsafeMutablePointer<UInt8>
        var count = 0

        init(base: UnsafeMutablePointer<UInt8>) { self.base = base }

        @inline(__always) mutating func byte(_ b: UInt8) {
            base[count] = b
            count += 1
        }

        /// The string's bytes as a block, then checked for the three separator bytes (they are all but unknown):
        /// written again, escaped, if one is there.
        mutating func string(_ s: String) {
            let start = count
            let (_, n) = UnsafeMutableBufferPointer(start: base + start, count: s.utf8.count).initialize(from: s.utf8)
            count += n
            for i in start..<count where base[i] >= StoredMatch.escape && base[i] <= StoredMatch.partSeparator {
                count = start
                for b in s.utf8 {
                    if b >= StoredMatch.escape && b <= StoredMatch.partSeparator {
                        byte(StoredMatch.escape)
                        byte(b + 0x40)
                    } else {
                        byte(b)
                    }
                }
                return
            }
        }
    }
}
