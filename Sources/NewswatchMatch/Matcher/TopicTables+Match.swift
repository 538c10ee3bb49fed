import NewswatchCore

extension TopicTables {
    func match(_ item: MatchableItem, _ session: inout SessionState) -> [TopicMatch] {
        precondition(
            session.scan.head.count == termCount && session.candidates.count == (compiled.count + 63) / 64,
            "a MatchSession serves the matcher that made it")
        session.scan.reset()
        var base: Int32 = 0
        if let title = item.title { scanField(title, .title, &base, &session.scan) }
        if let summary = item.summary { scanField(summary, .summary, &base, &session.scan) }
        if let content = item.content { scanField(content, .content, &base, &session.scan) }
        if usesFeedField { scanField(item.feedName, .feed, &base, &session.scan) }
        if usesCategoryField {
            for category in item.categories { scanField(category, .category, &base, &session.scan) }
        }
        guard !session.scan.occurred.isEmpty || !alwaysCandidates.isEmpty else { return [] }

        // Candidate topics as a bitset, so they come out in configuration order without sorting; for OR-of-terms
        // topics, a chain of the leaves whose terms occurred.
        session.hits.removeAll()
        for index in alwaysCandidates { session.candidates[index >> 6] |= 1 << UInt64(index & 63) }
        for k in 0..<session.scan.occurred.count {
            let term = session.scan.occurred[k]
            for p in topicsByTerm.range(term) {
                let entry = topicsByTerm[p]
                let index = Int(entry.topic)
                session.candidates[index >> 6] |= 1 << UInt64(index & 63)
                if entry.leaf >= 0 {
                    session.hits.append(
                        SessionState.Hit(
                            term: term, display: entry.display, mask: entry.mask, next: session.topicHits[index]))
                    session.topicHits[index] = Int32(session.hits.count - 1)
                }
            }
        }
        var candidateCount = 0
        for k in 0..<session.candidates.count { candidateCount &+= session.candidates[k].nonzeroBitCount }

        // At most one result per candidate: written in place, with no capacity or uniqueness check per result.
        return [TopicMatch](unsafeUninitializedCapacity: candidateCount) { out, initialized in
            var n = 0
            for wordIndex in 0..<session.candidates.count {
                var bits = session.candidates[wordIndex]
                guard bits != 0 else { continue }
                session.candidates[wordIndex] = 0
                while bits != 0 {
                    let index = wordIndex << 6 + bits.trailingZeroBitCount
                    bits &= bits - 1
                    if let match = evaluateCandidate(index, item, &session) {
                        (out.baseAddress! + n).initialize(to: match)
                        n += 1
                    }
                }
            }
            initialized = n
        }
    }

    /// The match of candidate topic `index`, if it matches (its hit chain is consumed).
    @inline(__always)
    func evaluateCandidate(_ index: Int, _ item: MatchableItem, _ session: inout SessionState) -> TopicMatch? {
        var hit = session.topicHits[index]
        session.topicHits[index] = -1
        if restricted[index] {
            let topic = compiled[index]
            guard
                topic.feedNames.contains(item.feedName)
                    || item.feedTags.contains(where: topic.feedTags.contains)
            else { return nil }
        }
        session.evidence.removeAll()
        let isDisjunction = disjunctions[index]
        if isDisjunction {
            if hit >= 0, session.hits[Int(hit)].next < 0, !hasExclude[index] {
                // One leaf occurred (most matches): when all its occurrences are in one field, the shared
                // one-term list is the answer, with no evidence to gather or sort.
                let leaf = session.hits[Int(hit)]
                let field = session.scan.onlyField(of: leaf.term, in: leaf.mask)
                if field == 0 { return nil }
                if field != ItemScan.severalFields {
                    let cached = singleTerms[Self.singleTermSlot(leaf.display, field)]
                    if !cached.isEmpty { return TopicMatch(topicID: topicIDs[index], terms: cached) }
                }
            }
            while hit >= 0 {
                let h = session.hits[Int(hit)]
                collectLeaf(h.term, h.display, h.mask, session.scan, &session.evidence)
                hit = h.next
            }
            if session.evidence.isEmpty { return nil }
        } else {
            guard meetsRequirements(index, session.scan), evaluate(compiled[index].query, session.scan)
            else { return nil }
        }
        if hasExclude[index], let exclude = compiled[index].exclude, evaluate(exclude, session.scan) {
            return nil
        }
        if !isDisjunction { _ = collect(compiled[index].query, session.scan, &session.evidence) }
        return TopicMatch(topicID: topicIDs[index], terms: matchedTerms(&session))
    }

    /// One piece of evidence: a term (by display id) seen in a field at a position.
    struct Evidence {
        var position: Int32
        var display: Int32
        var field: UInt8
    }

    /// The distinct (term, field) pairs of the session's evidence, in order of first occurrence (ties: the order
    /// of the terms' display ids).
    func matchedTerms(_ session: inout SessionState) -> [MatchedTerm] {
        let evidence = session.evidence
        guard !evidence.isEmpty else { return [] }  // `NOT x`: true with nothing to name
        let first = evidence[0]
        var oneTerm = true
        for k in 1..<evidence.count where evidence[k].display != first.display || evidence[k].field != first.field {
            oneTerm = false
            break
        }
        if oneTerm {
            // The common case: shared, prebuilt, nothing to sort or allocate.
            let cached = singleTerms[Self.singleTermSlot(first.display, first.field)]
            if !cached.isEmpty { return cached }
        }
        // Position, then display id, then field: the order the terms are named in.
        session.sortKeys.removeAll()
        for k in 0..<evidence.count {
            let e = evidence[k]
            session.sortKeys.append(
                UInt64(UInt32(bitPattern: e.position)) << 32 | UInt64(UInt32(bitPattern: e.display)) << 3
                    | UInt64(e.field.trailingZeroBitCount))
        }
        var sorted = session.sortKeys.buffer
        sorted.sort()
        session.taken.removeAll()
        var out: [MatchedTerm] = []
        for key in sorted {
            let pair = key & 0xFFFF_FFFF
            if session.taken.buffer.contains(pair) { continue }
            session.taken.append(pair)
            if out.isEmpty { out.reserveCapacity(evidence.count) }
            out.append(MatchedTerm(term: displays[Int(pair >> 3)], field: ItemField(bit: 1 << UInt8(pair & 7))))
        }
        return out
    }

    /// Where `singleTerms` keeps the one-element term list for a display id in a field.
    @inline(__always)
    static func singleTermSlot(_ display: Int32, _ field: UInt8) -> Int {
        Int(display) &* 5 &+ field.trailingZeroBitCount
    }

    /// One-element term lists for every (display id, field) a query leaf can report, built once and shared by
    /// every match that names just that term.
    static func singleTermLists(_ c: TopicCompiler) -> [[MatchedTerm]] {
        var lists = Array(repeating: [MatchedTerm](), count: c.displays.count * 5)
        let leaves = c.compiled.flatMap(\.query.leaves)
        // Field by field, so the lists of the fields most items have (title, summary) are allocated next to
        // each other rather than between lists of fields most items lack: fewer cache lines touched per match.
        for shift in 0..<5 {
            for leaf in leaves where leaf.mask & (1 << shift) != 0 {
                let slot = singleTermSlot(leaf.display, 1 << UInt8(shift))
                if lists[slot].isEmpty {
                    lists[slot] = [MatchedTerm(term: c.displays[Int(leaf.display)], field: ItemField(bit: 1 << shift))]
                }
            }
        }
        return lists
    }

    @inline(__always)
    func collectLeaf(
        _ term: Int32, _ display: Int32, _ mask: UInt8, _ scan: ItemScan, _ evidence: inout Scratch<Evidence>
    ) {
        var o = scan.head[Int(term)]
        while o >= 0 {
            let occurrence = scan.occurrences[Int(o)]
            if occurrence.field & mask != 0 {
                evidence.append(Evidence(position: occurrence.start, display: display, field: occurrence.field))
            }
            o = occurrence.next
        }
    }
}
