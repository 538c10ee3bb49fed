import NewswatchCore

extension TopicMatch {
    /// `matches` with one entry per topic id (the first of each), in order. The matcher already gives one per topic
    /// (a hand-written one might not), so this mostly proves that: by short hashes of the ids, sorted, and a `Set`
    /// of the ids only where two hashes agree — a `Set` per item (31 matches on average in the benchmark's cold
    /// round, up to 164) was ~1.5 % of the round's CPU (issue 18).
    static func distinctTopics(_ matches: [TopicMatch]) -> [TopicMatch] {
        let n = matches.count
        guard n > 1 else { return matches }
        let unique = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: n) { buffer -> Bool in
            var hashes = buffer
            for i in 0..<n { hashes.initializeElement(at: i, to: shortHash(matches[i].topicID)) }
            hashes.sort()
            for i in 1..<n where hashes[i] == hashes[i - 1] { return false }
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
