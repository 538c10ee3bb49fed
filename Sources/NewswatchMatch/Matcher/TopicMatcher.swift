import NewswatchCore

/// All topics compiled together: decides which topics an item matches, and why.
///
/// Every term and phrase word of every topic goes into one word table (prefixes into a second); an item's fields
/// are normalised and scanned once, each word looked up once; only topics one of whose terms occurred (or whose
/// query is true without any term, like `NOT x`) have their boolean tree evaluated. The cost per item grows with
/// its text, not with the number of topics.
public struct TopicMatcher: Sendable {
    private struct Topic: Sendable {
        var id: String
        var query: MatchProgram
        var exclude: MatchProgram?
        var feedNames: Set<String>
        var feedTags: Set<String>
    }

    /// The topics as configured, in order (the order of `match` results).
    public let topics: [TopicDefinition]
    private var compiled: [Topic] = []
    private var words = WordTable()
    private var prefixes = WordTable()
    private var terms: [CompiledTerm] = []
    private var displays: [String] = []
    /// Word id → terms starting with that word; prefix id → one-word prefix terms.
    private var termsByFirstWord = Postings([])
    private var termsByPrefix = Postings([])
    /// Term id → topics whose `query` mentions it (exclusions never make a topic a candidate).
    private var topicsByTerm = Postings([])
    private var alwaysCandidates: [Int] = []
    private var usesFeedField = false
    private var usesCategoryField = false

    /// Compiles `topics`; throws for the first topic whose `query` or `exclude` does not parse, or a repeated id.
    public init(topics: [TopicDefinition]) throws(TopicCompileError) {
        self.topics = topics
        var termIDs: [CompiledTerm: Int32] = [:]
        var displayIDs: [String: Int32] = [:]
        var seen = Set<String>()
        for topic in topics {
            guard seen.insert(topic.id).inserted else {
                throw TopicCompileError(kind: .duplicateID, topicID: topic.id)
            }
            let query: Query
            do {
                query = try QueryParser.parse(topic.query)
            } catch {
                throw TopicCompileError(kind: .invalidQuery, topicID: topic.id, field: .query, queryError: error)
            }
            var exclude: Query?
            if let text = topic.exclude {
                do {
                    exclude = try QueryParser.parse(text)
                } catch {
                    throw TopicCompileError(kind: .invalidQuery, topicID: topic.id, field: .exclude, queryError: error)
                }
            }
            var names = Set<String>()
            var tags = Set<String>()
            for entry in topic.feeds {
                if entry.hasPrefix("tag:") { tags.insert(String(entry.dropFirst(4))) } else { names.insert(entry) }
            }
            compiled.append(
                Topic(
                    id: topic.id,
                    query: compile(query.root, mask: nil, &termIDs, &displayIDs),
                    exclude: exclude.map { compile($0.root, mask: nil, &termIDs, &displayIDs) },
                    feedNames: names, feedTags: tags))
        }

        var byFirstWord = Array(repeating: [Int32](), count: words.count)
        var byPrefix = Array(repeating: [Int32](), count: prefixes.count)
        for (id, term) in terms.enumerated() {
            if term.prefixLast && term.keys.count == 1 {
                byPrefix[Int(term.keys[0])].append(Int32(id))
            } else {
                byFirstWord[Int(term.keys[0])].append(Int32(id))
            }
        }
        termsByFirstWord = Postings(byFirstWord)
        termsByPrefix = Postings(byPrefix)
        var byTerm = Array(repeating: [Int32](), count: terms.count)
        for (index, topic) in compiled.enumerated() {
            for term in Set(topic.query.terms) { byTerm[Int(term)].append(Int32(index)) }
            if topic.query.matchesWithoutTerms { alwaysCandidates.append(index) }
        }
        topicsByTerm = Postings(byTerm.map { $0.sorted() })
    }

    private mutating func compile(
        _ node: Query.Node, mask: UInt8?, _ termIDs: inout [CompiledTerm: Int32], _ displayIDs: inout [String: Int32]
    ) -> MatchProgram {
        switch node {
        case .term(let term):
            return .leaf(leaf(term, mask: mask, &termIDs, &displayIDs))
        case .and(let children):
            return .and(children.map { compile($0, mask: mask, &termIDs, &displayIDs) })
        case .or(let children):
            return .or(children.map { compile($0, mask: mask, &termIDs, &displayIDs) })
        case .not(let child):
            return .not(compile(child, mask: mask, &termIDs, &displayIDs))
        case .field(let field, let child):
            return compile(child, mask: Self.scope(mask, field), &termIDs, &displayIDs)
        case .near(let left, let right, let distance):
            return .near(
                leaves(left, mask: mask, &termIDs, &displayIDs), leaves(right, mask: mask, &termIDs, &displayIDs),
                distance: Int32(distance))
        }
    }

    /// The fields of `field:` inside a part whose fields are `mask` (`nil`: unscoped, the default fields).
    /// Nested scopes intersect: `title:(summary:x)` can never match.
    private static func scope(_ mask: UInt8?, _ field: Query.Field) -> UInt8 {
        guard let mask else { return field.itemField.bit }
        return mask & field.itemField.bit
    }

    /// The terms of a `NEAR` side (a term, or an OR-group of possibly field-scoped terms), flattened.
    private mutating func leaves(
        _ node: Query.Node, mask: UInt8?, _ termIDs: inout [CompiledTerm: Int32], _ displayIDs: inout [String: Int32]
    ) -> [MatchProgram.Leaf] {
        switch node {
        case .term(let term): return [leaf(term, mask: mask, &termIDs, &displayIDs)]
        case .field(let field, let child): return leaves(child, mask: Self.scope(mask, field), &termIDs, &displayIDs)
        case .or(let children): return children.flatMap { leaves($0, mask: mask, &termIDs, &displayIDs) }
        case .and, .not, .near: return []  // the parser accepts no other NEAR sides
        }
    }

    private mutating func leaf(
        _ term: Query.Term, mask: UInt8?, _ termIDs: inout [CompiledTerm: Int32], _ displayIDs: inout [String: Int32]
    ) -> MatchProgram.Leaf {
        let mask = mask ?? ItemField.defaultMask
        if mask & ItemField.feed.bit != 0 { usesFeedField = true }
        if mask & ItemField.category.bit != 0 { usesCategoryField = true }
        var keys: [Int32] = []
        for (i, word) in term.words.enumerated() {
            let isPrefix = term.isPrefix && i == term.words.count - 1
            keys.append(isPrefix ? prefixes.insert(word.text) : words.insert(word.text))
        }
        let compiledTerm = CompiledTerm(keys: keys, acronym: term.words.map(\.isAcronymTerm), prefixLast: term.isPrefix)
        let id: Int32
        if let existing = termIDs[compiledTerm] {
            id = existing
        } else {
            id = Int32(terms.count)
            terms.append(compiledTerm)
            termIDs[compiledTerm] = id
        }
        let display: Int32
        if let existing = displayIDs[term.display] {
            display = existing
        } else {
            display = Int32(displays.count)
            displays.append(term.display)
            displayIDs[term.display] = display
        }
        return MatchProgram.Leaf(term: id, mask: mask, display: display)
    }

    // MARK: - Matching

    /// The topics `item` matches, in configuration order, each with the terms that matched and where.
    public func match(_ item: MatchableItem) -> [TopicMatch] {
        var scan = ItemScan(termCount: terms.count)
        var base: Int32 = 0
        if let title = item.title { scanField(title, .title, &base, &scan) }
        if let summary = item.summary { scanField(summary, .summary, &base, &scan) }
        if let content = item.content { scanField(content, .content, &base, &scan) }
        if usesFeedField { scanField(item.feedName, .feed, &base, &scan) }
        if usesCategoryField {
            for category in item.categories { scanField(category, .category, &base, &scan) }
        }

        var candidates = alwaysCandidates
        for term in scan.occurred {
            let range = topicsByTerm.range(term)
            for p in range { candidates.append(Int(topicsByTerm[p])) }
        }
        guard !candidates.isEmpty else { return [] }
        candidates.sort()

        var results: [TopicMatch] = []
        var previous = -1
        for index in candidates where index != previous {
            previous = index
            let topic = compiled[index]
            if !topic.feedNames.isEmpty || !topic.feedTags.isEmpty {
                guard topic.feedNames.contains(item.feedName) || item.feedTags.contains(where: topic.feedTags.contains)
                else { continue }
            }
            guard evaluate(topic.query, scan) else { continue }
            if let exclude = topic.exclude, evaluate(exclude, scan) { continue }
            var evidence: [(position: Int32, field: UInt8, display: Int32)] = []
            _ = collect(topic.query, scan, &evidence)
            evidence.sort { ($0.position, $0.display) < ($1.position, $1.display) }
            var seen = Set<MatchedTerm>()
            var matched: [MatchedTerm] = []
            for e in evidence {
                let term = MatchedTerm(term: displays[Int(e.display)], field: ItemField(bit: e.field))
                if seen.insert(term).inserted { matched.append(term) }
            }
            results.append(TopicMatch(topicID: topic.id, terms: matched))
        }
        return results
    }

    /// Normalises one field, looks each word up once, and records every term occurrence in it.
    private func scanField(_ text: String, _ field: ItemField, _ base: inout Int32, _ scan: inout ItemScan) {
        scan.keys.removeAll(keepingCapacity: true)
        scan.acronymForm.removeAll(keepingCapacity: true)
        scan.prefixHits.removeAll(keepingCapacity: true)
        let prefixLengths = prefixes.wordLengths
        WordScanner.scan(text) { bytes, allCaps, dotted in
            let position = Int32(scan.keys.count)
            scan.keys.append(words.lookup(bytes))
            scan.acronymForm.append(allCaps || dotted)
            for length in prefixLengths {
                if length > bytes.count { break }
                let key = prefixes.lookup(UnsafeBufferPointer(rebasing: bytes[0..<length]))
                if key >= 0 { scan.prefixHits.append((position, key)) }
            }
        }
        let bit = field.bit
        let count = scan.keys.count
        for position in 0..<count {
            let key = scan.keys[position]
            guard key >= 0 else { continue }
            for p in termsByFirstWord.range(key) {
                let id = termsByFirstWord[p]
                let term = terms[Int(id)]
                if term.acronym[0] && !scan.acronymForm[position] { continue }
                let length = term.keys.count
                guard position + length <= count else { continue }
                var ok = true
                var j = 1
                while ok && j < length {
                    let q = position + j
                    if term.acronym[j] && !scan.acronymForm[q] {
                        ok = false
                    } else if j == length - 1 && term.prefixLast {
                        ok = scan.hasPrefix(term.keys[j], at: Int32(q))
                    } else {
                        ok = scan.keys[q] == term.keys[j]
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
                if terms[Int(id)].acronym[0] && !scan.acronymForm[Int(hit.position)] { continue }
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
        _ program: MatchProgram, _ scan: ItemScan, _ evidence: inout [(position: Int32, field: UInt8, display: Int32)]
    ) -> Bool {
        switch program {
        case .leaf(let leaf):
            var found = false
            var o = scan.head[Int(leaf.term)]
            while o >= 0 {
                let occurrence = scan.occurrences[Int(o)]
                if occurrence.field & leaf.mask != 0 {
                    evidence.append((occurrence.start, occurrence.field, leaf.display))
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
                evidence.append((a.start, a.field, aDisplay))
                evidence.append((b.start, b.field, bDisplay))
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
