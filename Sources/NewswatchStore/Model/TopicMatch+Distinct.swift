import NewswatchCore

extension TopicMatch {
    /// `matches` with one entry per topic id (the first of each), in order. The matcher already gives one per topic
    /// (a hand-written one might not), so this mostly proves that: short hashes of the ids go into a small
    /// open-addressed table on the stack, and only where two hashes agree does a `Set` of the ids decide — a `Set`
    /// per item (31 matches on average in the benchmark's cold round, up to 164) was ~1.5 % of the round's CPU
    /// (issue 18).
    static func distinctTopics(_ matches: [TopicMatch]) -> [TopicMatch] {
        let n = matches.count
        guard n > 1 else { return matches }
        var slots = 16
        while slots < 2 * n { slots <<= 1 }
        let unique = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: slots) { table -> Bool in
            table.initialize(repeating: 0)
            let mask = slots - 1
            for m in matches {
                let h = shortHash(m.topicID) | 1  // 0 marks an empty slot
                var slot = Int(truncatingIfNeeded: h >> 32) & mask
                while table[slot] != 0 {
                    if table[slot] == h { return false }
                    slot = (slot + 1) & mask
                }
                table[slot] = h
            }
            return true
        }
        return unique ? matches : distinctBySet(matches)
    }

    static func distinctBySet(_ matches: [TopicMatch]) -> [TopicMatch] {
        var seen = Set<String>(minimumCapacity: matches.count)
        return matches.filter { seen.insert($0.topicID).inserted }
    }

    /// FNV-1a of the id's bytes: ids are short, and equal ids always agree.
    private static func shortHash(_ id: String) -> UInt64 {
        func fnv<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            return h
        }
        // The bytes in place (native and small strings): iterating `utf8` costs more than hashing a short id.
        return id.utf8.withContiguousStorageIfAvailable { fnv($0) } ?? fnv(id.utf8)
    }
}
