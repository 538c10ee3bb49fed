import NewswatchCore

/// The compiled topics, immutable once built and shared by every copy of a `TopicMatcher`.
final class TopicTables: Sendable {
    private let compiled: [TopicCompiler.Topic]
    private let words: FrozenWordTable
    private let prefixes: FrozenWordTable
    private let prefixLengths: [Int]
    /// Bit `b0 << 8 | b1` is set when some prefix term starts with the bytes `b0 b1` (all prefixes have at least
    /// two bytes; else empty and unused): most words start with no prefix and skip the probes.
    private let prefixStarts: [UInt64]
    private let terms: FrozenTerms
    private let termCount: Int
    private let displays: [String]
    /// Word id → the terms starting with that word whose second word is not a plain word (one-word terms, and
    /// two-word terms ending in a prefix; one-word prefix terms are in `termsByPrefix`).
    private let termStarts: Postings<TermStart>
    /// The other phrases, by their first two words: pair id (from `pairs`) → the terms starting with that pair.
    private let pairStarts: Postings<TermStart>
    private let pairs: PairTable
    private let termsByPrefix: Postings<Int32>
    /// Term id → the topics whose query mentions it (exclusions never make a topic a candidate).
    private let topicsByTerm: Postings<TermTopic>
    private let alwaysCandidates: [Int]
    private let usesFeedField: Bool
    private let usesCategoryField: Bool

    // Per topic, flat, so the per-candidate checks copy no topic struct.
    private let topicIDs: [String]
    private let restricted: [Bool]
    private let hasExclude: [Bool]
    private let disjunctions: [Bool]
    private let singleTerms: [[MatchedTerm]]
    /// Per topic (not OR-of-terms ones), the requirements of its query other than the one whose terms make it a
    /// candidate: each a run of term ids in `requiredTerms`, checked before the tree is evaluated.
    private let requirementRanges: [Range<Int>]
    private let requirementEnds: [Int32]
    private let requiredTerms: [Int32]
    private let pool: MatchSessionPool

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

    private static func termStarts(_ c: TopicCompiler) -> (Postings<TermStart>, PairTable, Postings<TermStart>) {
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

    private static func topicsByTerm(
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

    private static func prefixStarts(_ prefixes: WordTable) -> [UInt64] {
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

    private func match(_ item: MatchableItem, _ session: inout SessionState) -> [TopicMatch] {
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
    private func evaluateCandidate(_ index: Int, _ item: MatchableItem, _ session: inout SessionState) -> TopicMatch? {
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
    private func matchedTerms(_ session: inout SessionState) -> [MatchedTerm] {
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
    private static func singleTermSlot(_ display: Int32, _ field: UInt8) -> Int {
        Int(display) &* 5 &+ field.trailingZeroBitCount
    }

    /// One-element term lists for every (display id, field) a query leaf can report, built once and shared by
    /// every match that names just that term.
    private static func singleTermLists(_ c: TopicCompiler) -> [[MatchedTerm]] {
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
    private func collectLeaf(
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

    /// Normalises one field, looks each word up once, and records every term occurrence in it.
    private func scanField(_ text: String, _ field: ItemField, _ base: inout Int32, _ scan: inout ItemScan) {
        var text = text
        text.withUTF8 { source in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: WordScanner.bufferCapacity(for: source.count)) {
                scanField(source, $0, field, &base, &scan)
            }
        }
    }

    private func scanField(
        _ source: UnsafeBufferPointer<UInt8>, _ buffer: UnsafeMutableBufferPointer<UInt8>, _ field: ItemField,
        _ base: inout Int32, _ scan: inout ItemScan
    ) {
        scan.keys.removeAll()
        scan.prefixHits.removeAll()
        var scanner = WordScanner(source, buffer: buffer)
        defer { scanner.release() }
        let hasPrefixes = !prefixLengths.isEmpty
        while scanner.next() {
            let bytes = scanner.word
            let position = Int32(scan.keys.count)
            scan.keys.append(ItemScan.pack(words.lookup(bytes), acronymForm: scanner.allCaps || scanner.dotted))
            if hasPrefixes { findPrefixes(bytes, position, &scan) }
        }
        let bit = field.bit
        let count = scan.keys.count
        for position in 0..<count {
            let key = scan.key(at: position)
            guard key >= 0 else { continue }
            for p in termStarts.range(key) {
                check(termStarts[p], at: position, count, base, bit, &scan)
            }
            if position + 1 < count {
                let next = scan.key(at: position + 1)
                if next >= 0 {
                    let pair = pairs.lookup(key, next)
                    if pair >= 0 {
                        for p in pairStarts.range(pair) { check(pairStarts[p], at: position, count, base, bit, &scan) }
                    }
                }
            }
        }
        for k in 0..<scan.prefixHits.count {
            let hit = scan.prefixHits[k]
            for p in termsByPrefix.range(hit.key) {
                let id = termsByPrefix[p]
                if terms.needsAcronym(id, 0) && !scan.isAcronymForm(at: Int(hit.position)) { continue }
                scan.add(term: id, field: bit, start: base + hit.position, end: base + hit.position)
            }
        }
        base += Int32(count) + 1
    }

    /// Records the term of `start` if it occurs at `position` of the field being scanned (`count` words).
    @inline(__always)
    private func check(
        _ start: TermStart, at position: Int, _ count: Int, _ base: Int32, _ bit: UInt8, _ scan: inout ItemScan
    ) {
        let id = start.term
        if start.firstNeedsAcronym && !scan.isAcronymForm(at: position) { return }
        let length = Int(start.length)
        if length == 1 {
            let at = base + Int32(position)
            scan.add(term: id, field: bit, start: at, end: at)
            return
        }
        guard position + length <= count else { return }
        if start.second != TermStart.noQuickCheck && scan.key(at: position + 1) != start.second { return }
        if start.plain {
            // The second word matched above; compare the rest by id.
            let keys = Int(start.keys)
            var j = 2
            while j < length && scan.key(at: position + j) == terms.flatKey(keys + j) { j += 1 }
            if j == length {
                scan.add(term: id, field: bit, start: base + Int32(position), end: base + Int32(position + length - 1))
            }
            return
        }
        var ok = true
        var j = 1
        while ok && j < length {
            let q = position + j
            if terms.needsAcronym(id, j) && !scan.isAcronymForm(at: q) {
                ok = false
            } else if j == length - 1 && terms.isPrefixLast(id) {
                ok = scan.hasPrefix(terms.key(id, j), at: Int32(q))
            } else {
                ok = scan.key(at: q) == terms.key(id, j)
            }
            j += 1
        }
        if ok {
            scan.add(term: id, field: bit, start: base + Int32(position), end: base + Int32(position + length - 1))
        }
    }

    /// Records the prefix terms `word` (at `position` of the field) starts with. The hashes of its prefixes are
    /// built in one pass over it, one probe per distinct prefix length.
    @inline(__always)
    private func findPrefixes(_ word: UnsafeBufferPointer<UInt8>, _ position: Int32, _ scan: inout ItemScan) {
        if !prefixStarts.isEmpty {
            guard word.count >= 2 else { return }
            let pair = Int(word[0]) << 8 | Int(word[1])
            guard prefixStarts[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else { return }
        }
        var h = WordTable.hashSeed
        var hashed = 0
        for length in prefixLengths {
            if length > word.count { break }
            while hashed < length {
                h = WordTable.hashStep(h, word[hashed])
                hashed += 1
            }
            let key = prefixes.lookup(UnsafeBufferPointer(rebasing: word[0..<length]), hash: WordTable.hashFinish(h))
            if key >= 0 { scan.prefixHits.append(ItemScan.PrefixHit(position: position, key: key)) }
        }
    }

    /// Whether a term of each of the topic's other requirements occurred.
    private func meetsRequirements(_ index: Int, _ scan: ItemScan) -> Bool {
        var start =
            requirementRanges[index].lowerBound == 0 ? 0 : Int(requirementEnds[requirementRanges[index].lowerBound - 1])
        for r in requirementRanges[index] {
            let end = Int(requirementEnds[r])
            var met = false
            for k in start..<end where scan.head[Int(requiredTerms[k])] >= 0 {
                met = true
                break
            }
            guard met else { return false }
            start = end
        }
        return true
    }

    private func evaluate(_ program: MatchProgram, _ scan: ItemScan) -> Bool {
        switch program {
        case .leaf(let leaf):
            return scan.occurs(leaf.term, in: leaf.mask)
        case .and(let children):
            for child in children where !evaluate(child, scan) { return false }
            return true
        case .or(let children):
            for child in children where evaluate(child, scan) { return true }
            return false
        case .not(let child):
            return !evaluate(child, scan)
        case .near(let left, let right, let distance):
            var found = false
            forEachNearPair(left, right, distance, scan) { _, _, _, _ in
                found = true
                return false
            }
            return found
        case .atLeast(let leaves, let count):
            return scan.occurs(leaves, atLeast: count)
        }
    }

    /// Evaluates like `evaluate`, appending the occurrences that make the true parts true.
    private func collect(
        _ program: MatchProgram, _ scan: ItemScan, _ evidence: inout Scratch<Evidence>
    ) -> Bool {
        switch program {
        case .leaf(let leaf):
            var found = false
            var o = scan.head[Int(leaf.term)]
            while o >= 0 {
                let occurrence = scan.occurrences[Int(o)]
                if occurrence.field & leaf.mask != 0 {
                    evidence.append(
                        Evidence(position: occurrence.start, display: leaf.display, field: occurrence.field))
                    found = true
                }
                o = occurrence.next
            }
            return found
        case .and(let children):
            guard children.allSatisfy({ evaluate($0, scan) }) else { return false }
            for child in children { _ = collect(child, scan, &evidence) }
            return true
        case .or(let children):
            var any = false
            for child in children where collect(child, scan, &evidence) { any = true }
            return any
        case .not(let child):
            return !evaluate(child, scan)
        case .near(let left, let right, let distance):
            var found = false
            forEachNearPair(left, right, distance, scan) { a, aDisplay, b, bDisplay in
                evidence.append(Evidence(position: a.start, display: aDisplay, field: a.field))
                evidence.append(Evidence(position: b.start, display: bDisplay, field: b.field))
                found = true
                return true
            }
            return found
        case .atLeast(let leaves, let count):
            guard scan.occurs(leaves, atLeast: count) else { return false }
            for leaf in leaves { collectLeaf(leaf.term, leaf.display, leaf.mask, scan, &evidence) }
            return true
        }
    }

    /// Calls `body` for each pair of a left and a right occurrence in the same field at most `distance` words
    /// apart (between the nearest ends of phrases), until `body` returns false.
    private func forEachNearPair(
        _ left: [MatchProgram.Leaf], _ right: [MatchProgram.Leaf], _ distance: Int32, _ scan: ItemScan,
        _ body: (ItemScan.Occurrence, Int32, ItemScan.Occurrence, Int32) -> Bool
    ) {
        for l in left {
            var a = scan.head[Int(l.term)]
            while a >= 0 {
                let x = scan.occurrences[Int(a)]
                a = x.next
                guard x.field & l.mask != 0 else { continue }
                for r in right {
                    var b = scan.head[Int(r.term)]
                    while b >= 0 {
                        let y = scan.occurrences[Int(b)]
                        b = y.next
                        guard y.field == x.field, y.field & r.mask != 0 else { continue }
                        if x.start == y.start && x.end == y.end { continue }  // one occurrence is not two
                        let gap: Int32 =
                            y.start > x.end ? y.start - x.end : x.start > y.end ? x.start - y.end : 0
                        if gap <= distance, !body(x, l.display, y, r.display) { return }
                    }
                }
            }
        }
    }
}
