import NewswatchCore

extension StoredMatch {
    /// The stored text of what the matcher returned, as `encode(_: [StoredMatch])` writes it, without making the
    /// `StoredMatch` values: a cold start encodes millions of matches, most of them naming one term in one field.
    /// Written straight into a string sized for the worst case (every byte escaped), not grown in an array and
    /// copied: this was 5 % of a cold round's CPU (issue 18).
    static func encode(_ matches: [TopicMatch]) -> String? {
        guard !matches.isEmpty else { return nil }
        // Read in place: iterating the array copied out each match, retaining and releasing its id and terms.
        return matches.withUnsafeBufferPointer { encode($0) }
    }

    private static func encode(_ matches: UnsafeBufferPointer<TopicMatch>) -> String {
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
        @inline(__always) mutating func string(_ s: String) {
            let start = count
            // In place (native and small strings: every id and term): one `memcpy` and a scan of memory, where
            // initializing from the `utf8` view went byte by byte (issue 18).
            let copied = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
                guard let source = bytes.baseAddress else { return true }
                (base + start).update(from: source, count: bytes.count)
                count += bytes.count
                return true
            }
            if copied == nil {
                let (_, n) = UnsafeMutableBufferPointer(start: base + start, count: s.utf8.count).initialize(
                    from: s.utf8)
                count += n
            }
            if !SizedWriter.clean(base + start, count: count - start) {
                count = start
                for b in s.utf8 {
                    if b >= StoredMatch.escape && b <= StoredMatch.partSeparator {
                        byte(StoredMatch.escape)
                        byte(b + 0x40)
                    } else {
                        byte(b)
                    }
                }
            }
        }

        /// Whether none of the `count` bytes at `p` is a separator or the escape byte, eight bytes at a time: the
        /// bytes 0x1C–0x1F are those whose top six bits are 0x1C, i.e. a zero byte of `(w & 0xFC…) ^ 0x1C…` (0x1C
        /// itself only sends the string to the careful copy, which leaves it as it is).
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
