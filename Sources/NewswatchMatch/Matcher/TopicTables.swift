import NewswatchCore

/// The compiled topics, immutable once built and shared by every copy of a `TopicMatcher`.
final class TopicTables: Sendable {
    private let compiled: [TopicCompiler.Topic]
    private let words: FrozenWordTable
    private let prefixes: FrozenWordTable
    private let prefixLengths: [Int]
    private let terms: FrozenTerms
    private let termCount: Int
    private let displays: [String]
    private let termsByFirstWord: Postings
    private let termsByPrefix: Postings
    private let topicsByTerm: Postings
    private let alwaysCandidates: [Int]
    private let usesFeedField: Bool
    private let usesCategoryField: Bool

    // Per topic, flat, so the per-candidate checks copy no topic struct.
    private let topicIDs: [String]
    private let restricted: [Bool]
    private let hasExclude: [Bool]
    private let disjunctions: [Bool]
    private let disjunctionRanges: [Range<Int>]
    private let disjunctionLeaves: [MatchProgram.Leaf]

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
        disjunctionRanges = ranges
        disjunctionLeaves = leaves
        words = FrozenWordTable(c.words)
        prefixes = FrozenWordTable(c.prefixes)
        prefixLengths = c.prefixes.wordLengths
        terms = FrozenTerms(c.terms)
        termCount = c.terms.count
        displays = c.displays
        termsByFirstWord = c.termsByFirstWord
        termsByPrefix = c.termsByPrefix
        topicsByTerm = c.topicsByTerm
        alwaysCandidates = c.alwaysCandidates
        usesFeedField = c.usesFeedField
        usesCategoryField = c.usesCategoryField
    }

    func match(_ item: MatchableItem) -> [TopicMatch] {
        var scan = ItemScan(termCount: termCount)
        var base: Int32 = 0
        if let title = item.title { scanField(title, .title, &base, &scan) }
        if let summary = item.summary { scanField(summary, .summary, &base, &scan) }
        if let content = item.content { scanField(content, .content, &base, &scan) }
        if usesFeedField { scanField(item.feedName, .feed, &base, &scan) }
        if usesCategoryField {
            for category in item.categories { scanField(category, .category, &base, &scan) }
        }
        guard !scan.occurred.isEmpty || !alwaysCandidates.isEmpty else { return [] }

        // Candidate topics as a bitset, so they come out in configuration order without sorting.
        var candidates = [UInt64](repeating: 0, count: (compiled.count + 63) / 64)
        for index in alwaysCandidates { candidates[index >> 6] |= 1 << UInt64(index & 63) }
        for term in scan.occurred {
            for p in topicsByTerm.range(term) {
                let index = Int(topicsByTerm[p])
                candidates[index >> 6] |= 1 << UInt64(index & 63)
            }
        }

        var results: [TopicMatch] = []
        var evidence: [Evidence] = []
        evidence.reserveCapacity(32)
        for (wordIndex, var bits) in candidates.enumerated() {
            while bits != 0 {
                let index = wordIndex << 6 + bits.trailingZeroBitCount
                bits &= bits - 1
                if restricted[index] {
                    let topic = compiled[index]
                    guard
                        topic.feedNames.contains(item.feedName)
                            || item.feedTags.contains(where: topic.feedTags.contains)
                    else { continue }
                }
                evidence.removeAll(keepingCapacity: true)
                let isDisjunction = disjunctions[index]
                if isDisjunction {
                    let leaves = disjunctionLeaves
                    for k in disjunctionRanges[index] { collectLeaf(leaves[k], scan, &evidence) }
                    if evidence.isEmpty { continue }
                } else {
                    guard evaluate(compiled[index].query, scan) else { continue }
                }
                if hasExclude[index], let exclude = compiled[index].exclude, evaluate(exclude, scan) { continue }
                if !isDisjunction { _ = collect(compiled[index].query, scan, &evidence) }
                results.append(TopicMatch(topicID: topicIDs[index], terms: matchedTerms(&evidence)))
            }
        }
        return results
    }

    /// One piece of evidence: a term (by display id) seen in a field at a position.
    struct Evidence {
        var position: Int32
        var display: Int32
        var field: UInt8
    }

    /// Distinct (term, field) pairs in order of first occurrence.
    private func matchedTerms(_ evidence: inout [Evidence]) -> [MatchedTerm] {
        evidence.sort { $0.position != $1.position ? $0.position < $1.position : $0.display < $1.display }
        var out: [MatchedTerm] = []
        out.reserveCapacity(evidence.count)
        var taken: [(Int32, UInt8)] = []
        for e in evidence where !taken.contains(where: { $0.0 == e.display && $0.1 == e.field }) {
            taken.append((e.display, e.field))
            out.append(MatchedTerm(term: displays[Int(e.display)], field: ItemField(bit: e.field)))
        }
        return out
    }

    @inline(__always)
    private func collectLeaf(_ leaf: MatchProgram.Leaf, _ scan: ItemScan, _ evidence: inout [Evidence]) {
        var o = scan.head[Int(leaf.term)]
        while o >= 0 {
            let occurrence = scan.occurrences[Int(o)]
            if occurrence.field & leaf.mask != 0 {
                evidence.append(Evidence(position: occurrence.start, display: leaf.display, field: occurrence.field))
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
        scan.keys.removeAll(keepingCapacity: true)
        scan.acronymForm.removeAll(keepingCapacity: true)
        scan.prefixHits.removeAll(keepingCapacity: true)
        var scanner = WordScanner(source, buffer: buffer)
        defer { scanner.release() }
        let hasPrefixes = !prefixLengths.isEmpty
        while scanner.next() {
            let bytes = scanner.word
            let position = Int32(scan.keys.count)
            scan.keys.append(words.lookup(bytes))
            scan.acronymForm.append(scanner.allCaps || scanner.dotted)
            if hasPrefixes {
                for length in prefixLengths {
                    if length > bytes.count { break }
                    let key = prefixes.lookup(UnsafeBufferPointer(rebasing: bytes[0..<length]))
                    if key >= 0 { scan.prefixHits.append((position, key)) }
                }
            }
        }
        let bit = field.bit
        let count = scan.keys.count
        for position in 0..<count {
            let key = scan.keys[position]
            guard key >= 0 else { continue }
            for p in termsByFirstWord.range(key) {
                let id = termsByFirstWord[p]
                if terms.needsAcronym(id, 0) && !scan.acronymForm[position] { continue }
                let length = terms.length(id)
                guard position + length <= count else { continue }
                var ok = true
                var j = 1
                while ok && j < length {
                    let q = position + j
                    if terms.needsAcronym(id, j) && !scan.acronymForm[q] {
                        ok = false
                    } else if j == length - 1 && terms.isPrefixLast(id) {
                        ok = scan.hasPrefix(terms.key(id, j), at: Int32(q))
                    } else {
                        ok = scan.keys[q] == terms.key(id, j)
                    }
                    j += 1
                }
                if ok {
                    scan.add(
                        term: id, field: bit, start: base + Int32(position), end: base + Int32(position + length - 1))
                }
            }
        }
        for hit in scan.prefixHits {
            for p in termsByPrefix.range(hit.key) {
                let id = termsByPrefix[p]
                if terms.needsAcronym(id, 0) && !scan.acronymForm[Int(hit.position)] { continue }
                scan.add(term: id, field: bit, start: base + hit.position, end: base + hit.position)
            }
        }
        base += Int32(count) + 1
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
        }
    }

    /// Evaluates like `evaluate`, appending the occurrences that make the true parts true.
    private func collect(
        _ program: MatchProgram, _ scan: ItemScan, _ evidence: inout [Evidence]
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
