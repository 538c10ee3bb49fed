import NewswatchCore

extension TopicMatch {
    /// `matches` with one entry per topic id (the first of each), in order. The matcher already gives one per topic
    /// (a hand-written one might not), so this mostly proves that: by short hashes of the ids compared pairwise, the
    /// ids themselves only where two hashes agree — a `Set` of ids per item was 2 % of a cold round (issue 18).
    static func distinctTopics(_ matches: [TopicMatch]) -> [TopicMatch] {
        let n = matches.count
        guard n > 1 else { return matches }
        guard n <= 64 else { return distinctBySet(matches) }
        let unique = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: n) { hashes -> Bool in
            for (i, m) in matches.enumerated() {
                let h = shortHash(m.topicID)
                for j in 0..<i where hashes[j] == h && matches[j].topicID == m.topicID { return false }
                hashes[i] = h
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
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}
