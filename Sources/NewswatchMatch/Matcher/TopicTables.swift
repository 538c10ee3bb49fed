import NewswatchCore

/// The compiled topics, immutable once built and shared by every copy of a `TopicMatcher`.
final class TopicTables: Sendable {
    let compiled: [TopicCompiler.Topic]
    let words: FrozenWordTable
    let prefixes: FrozenWordTable
    let prefixLengths: [Int]
    /// Bit `b0 << 8 | b1` is set when some prefix term starts with the bytes `b0 b1` (all prefixes have at least
    /// two bytes; else empty and unused): most words start with no prefix and skip the probes.
    let prefixStarts: [UInt64]
    let terms: FrozenTerms
    let termCount: Int
    let displays: [String]
    /// Word id → the terms starting with that word whose second word is not a plain word (one-word terms, and
    /// two-word terms ending in a prefix; one-word prefix terms are in `termsByPrefix`).
    let termStarts: Postings<TermStart>
    /// The other phrases, by their first two words: pair id (from `pairs`) → the terms starting with that pair.
    let pairStarts: Postings<TermStart>
    let pairs: PairTable
    let termsByPrefix: Postings<Int32>
    /// Term id → the topics whose query mentions it (exclusions never make a topic a candidate).
    let topicsByTerm: Postings<TermTopic>
    let alwaysCandidates: [Int]
    let usesFeedField: Bool
    let usesCategoryField: Bool

    // Per topic, flat, so the per-candidate checks copy no topic struct.
    let topicIDs: [String]
    let restricted: [Bool]
    let hasExclude: [Bool]
    let disjunctions: [Bool]
    let singleTerms: [[MatchedTerm]]
    /// Per topic (not OR-of-terms ones), the requirements of its query other than the one whose terms make it a
    /// candidate: each a run of term ids in `requiredTerms`, checked before the tree is evaluated.
    let requirementRanges: [Range<Int>]
    let requirementEnds: [Int32]
    let requiredTerms: [Int32]
    let pool: MatchSessionPool

    init(_ c: TopicCompiler) {
        compiled = c.compiled
        topicIDs = c.compiled.map(\.id)
        restricted = c.compiled.map { !$0.feedNames.isEmpty || !$0.feedTags.isEmpty }
        hasExclude = c.compiled.map { $0.exclude != nil }
        disjunctions = c.compiled.map { $0.anyOf != nil }
        var ranges: [Range<Int>] = []
        var leaves: [MatchProgram.Leaf] = []
        for topic in c.compiled {
            let start = leaves.count
            leaves += topic.anyOf ?? []
            ranges.append(start..<leaves.count)
        }
        words = FrozenWordTable(c.words, quickHash: true)
        prefixes = FrozenWordTable(c.prefixes, quickHash: false)
        prefixLengths = c.prefixes.wordLengths
        prefixStarts = Self.prefixStarts(c.prefixes)
        terms = FrozenTerms(c.terms)
        termCount = c.terms.count
        displays = c.displays
        (termStarts, pairs, pairStarts) = Self.termStarts(c)
        termsByPrefix = c.termsByPrefix
        // A topic becomes a candidate through the terms of its smallest requirement (every term of its query
        // when it has none), and its tree is evaluated only when all its other requirements are met.
        var triggers: [[Int32]?] = []
        var requirementRanges: [Range<Int>] = []
        var requirementEnds: [Int32] = []
        var requiredTerms: [Int32] = []
        for topic in c.compiled {
            let start = requirementEnds.count
            defer { requirementRanges.append(start..<requirementEnds.count) }
            var requirements = topic.anyOf == nil ? topic.query.requirements : []
            guard let smallest = requirements.indices.min(by: { requirements[$0].count < requirements[$1].count })
            else {
                triggers.append(nil)
                continue
            }
            triggers.append(requirements.remove(at: smallest))
            for requirement in requirements {
                requiredTerms += requirement
                requirementEnds.append(Int32(requiredTerms.count))
            }
        }
        self.requirementRanges = requirementRanges
        self.requirementEnds = requirementEnds
        self.requiredTerms = requiredTerms
        topicsByTerm = Self.topicsByTerm(c, triggers: triggers, disjunctionRanges: ranges, disjunctionLeaves: leaves)
        alwaysCandidates = c.alwaysCandidates
        usesFeedField = c.usesFeedField
        usesCategoryField = c.usesCategoryField
        singleTerms = Self.singleTermLists(c)
        pool = MatchSessionPool(termCount: c.terms.count, topicCount: c.compiled.count)
    }

    /// A term that can start at a word, with what the per-word check needs first, so most candidates are
    /// rejected without leaving this array.
    struct TermStart {
        var term: Int32
        var length: Int32
        /// The word id the term's second word must have; `noQuickCheck` when its second word is a prefix.
        var second: Int32
        /// Where the term's word ids start in `FrozenTerms`' flat key array.
        var keys: Int32
        var firstNeedsAcronym: Bool
        /// No word after the first needs an acronym shape and the last is not a prefix: the phrase check is
        /// comparing word ids.
        var plain: Bool

        static var noQuickCheck: Int32 { .min }
    }

    /// A topic a term makes a candidate. For an OR-of-terms topic, also the leaf holding the term (its index
    /// into `disjunctionLeaves`, -1 for other topics) with the leaf's display id and fields copied here, so the
    /// topic's evidence is gathered from the leaves whose terms occurred without visiting the others, and without
    /// a load from the leaf table per hit.
    struct TermTopic {
        var topic: Int32
        var leaf: Int32
        var display: Int32
        var mask: UInt8
    }

    static func termStarts(_ c: TopicCompiler) -> (Postings<TermStart>, PairTable, Postings<TermStart>) {
        var lists = Array(repeating: [TermStart](), count: c.words.count)
        var pairIDs: [UInt64: Int] = [:]
        var pairs: [(Int32, Int32)] = []
        var pairLists: [[TermStart]] = []
        var offset: Int32 = 0  // as `FrozenTerms` lays the keys out
        for (id, term) in c.terms.enumerated() {
            defer { offset += Int32(term.keys.count) }
            if term.prefixLast && term.keys.count == 1 { continue }
            let second: Int32 =
                term.keys.count < 2 || (term.keys.count == 2 && term.prefixLast) ? TermStart.noQuickCheck : term.keys[1]
            let start = TermStart(
                term: Int32(id), length: Int32(term.keys.count), second: second, keys: offset,
                firstNeedsAcronym: term.acronym[0],
                plain: !term.prefixLast && !term.acronym.dropFirst().contains(true))
            if second == TermStart.noQuickCheck {
                lists[Int(term.keys[0])].append(start)
            } else {
                let key = UInt64(UInt32(bitPattern: term.keys[0])) << 32 | UInt64(UInt32(bitPattern: second))
                let pair =
                    pairIDs[key]
                    ?? {
                        pairIDs[key] = pairs.count
                        pairs.append((term.keys[0], second))
                        pairLists.append([])
                        return pairs.count - 1
                    }()
                pairLists[pair].append(start)
            }
        }
        return (Postings(lists), PairTable(pairs), Postings(pairLists))
    }

    static func topicsByTerm(
        _ c: TopicCompiler, triggers: [[Int32]?], disjunctionRanges: [Range<Int>],
        disjunctionLeaves: [MatchProgram.Leaf]
    ) -> Postings<TermTopic> {
        var lists = Array(repeating: [TermTopic](), count: c.terms.count)
        for (index, topic) in c.compiled.enumerated() {
            if topic.anyOf != nil {
                // A leaf repeated in the query (same term, fields and display) adds no evidence: index it once.
                var seen: [(Int32, UInt8, Int32)] = []
                for k in disjunctionRanges[index] {
                    let leaf = disjunctionLeaves[k]
                    if seen.contains(where: { $0 == (leaf.term, leaf.mask, leaf.display) }) { continue }
                    seen.append((leaf.term, leaf.mask, leaf.display))
                    lists[Int(leaf.term)].append(
                        TermTopic(topic: Int32(index), leaf: Int32(k), display: leaf.display, mask: leaf.mask))
                }
            } else {
                for term in triggers[index] ?? Array(Set(topic.query.terms)) {
                    lists[Int(term)].append(TermTopic(topic: Int32(index), leaf: -1, display: -1, mask: 0))
                }
            }
        }
        return Postings(lists.map { $0.sorted { $0.topic != $1.topic ? $0.topic < $1.topic : $0.leaf < $1.leaf } })
    }

    static func prefixStarts(_ prefixes: WordTable) -> [UInt64] {
        guard let shortest = prefixes.wordLengths.first, shortest >= 2 else { return [] }
        var bits = [UInt64](repeating: 0, count: 65536 / 64)
        let arena = prefixes.parts.arena
        for offset in prefixes.parts.offsets {
            let pair = Int(arena[Int(offset)]) << 8 | Int(arena[Int(offset) + 1])
            bits[pair >> 6] |= 1 << UInt64(pair & 63)
        }
        return bits
    }

    func match(_ item: MatchableItem) -> [TopicMatch] {
        let session = pool.take()
        let results = match(item, &session.state.pointee)
        pool.give(session)
        return results
    }

    /// A fresh session for a caller that keeps one per thread.
    func makeSession() -> MatchSession {
        MatchSession(termCount: termCount, topicCount: compiled.count)
    }

    func match(_ item: MatchableItem, _ session: inout MatchSession) -> [TopicMatch] {
        match(item, &session.state.pointee)
    }
}
