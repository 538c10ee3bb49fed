import NewswatchCore

/// Builds the shared tables from topic definitions (all mutation happens here, before matching starts).
struct TopicCompiler {
    struct Topic: Sendable {
        var id: String
        var query: MatchProgram
        var exclude: MatchProgram?
        var feedNames: Set<String>
        var feedTags: Set<String>
        /// The query's terms when it is just an OR of terms (the common shape): matched without a tree walk.
        var anyOf: [MatchProgram.Leaf]?
    }

    var compiled: [Topic] = []
    var words = WordTable()
    var prefixes = WordTable()
    var terms: [CompiledTerm] = []
    var displays: [String] = []
    /// Prefix id → one-word prefix terms. (`TopicTables` indexes terms by first word and topics by term.)
    var termsByPrefix = Postings<Int32>([])
    var alwaysCandidates: [Int] = []
    var usesFeedField = false
    var usesCategoryField = false

    /// Compiles `topics`, taking the queries `memo` kept from the config check (parsing the others).
    mutating func add(_ topics: [TopicDefinition], memo: ParsedQueryMemo = .shared) throws(TopicCompileError) {
        defer { memo.clear() }
        var termIDs: [CompiledTerm: Int32] = [:]
        var displayIDs: [String: Int32] = [:]
        var seen = Set<String>()
        for topic in topics {
            guard seen.insert(topic.id).inserted else {
                throw TopicCompileError(kind: .duplicateID, topicID: topic.id)
            }
            let query: Query
            do {
                query = try memo.take(topic.query)
            } catch {
                throw TopicCompileError(kind: .invalidQuery, topicID: topic.id, field: .query, queryError: error)
            }
            var exclude: Query?
            if let text = topic.exclude {
                do {
                    exclude = try memo.take(text)
                } catch {
                    throw TopicCompileError(kind: .invalidQuery, topicID: topic.id, field: .exclude, queryError: error)
                }
            }
            var names = Set<String>()
            var tags = Set<String>()
            for entry in topic.feeds {
                if entry.hasPrefix("tag:") { tags.insert(String(entry.dropFirst(4))) } else { names.insert(entry) }
            }
            let program = compile(query.root, mask: nil, &termIDs, &displayIDs)
            compiled.append(
                Topic(
                    id: topic.id,
                    query: program,
                    exclude: exclude.map { compile($0.root, mask: nil, &termIDs, &displayIDs) },
                    feedNames: names, feedTags: tags, anyOf: program.disjunctionLeaves))
        }

        var byPrefix = Array(repeating: [Int32](), count: prefixes.count)
        for (id, term) in terms.enumerated() where term.prefixLast && term.keys.count == 1 {
            byPrefix[Int(term.keys[0])].append(Int32(id))
        }
        termsByPrefix = Postings(byPrefix)
        for (index, topic) in compiled.enumerated() where topic.query.matchesWithoutTerms {
            alwaysCandidates.append(index)
        }
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
        case .atLeast(let child, let count):
            return .atLeast(leaves(child, mask: mask, &termIDs, &displayIDs), count: Int32(count))
        }
    }

    /// The fields of `field:` inside a part whose fields are `mask` (`nil`: unscoped, the default fields).
    /// Nested scopes intersect: `title:(summary:x)` can never match.
    private static func scope(_ mask: UInt8?, _ field: Query.Field) -> UInt8 {
        guard let mask else { return field.itemField.bit }
        return mask & field.itemField.bit
    }

    /// The terms of a `NEAR` side or an `ATLEAST` operand (a term, or an OR-group of possibly field-scoped terms),
    /// flattened.
    private mutating func leaves(
        _ node: Query.Node, mask: UInt8?, _ termIDs: inout [CompiledTerm: Int32], _ displayIDs: inout [String: Int32]
    ) -> [MatchProgram.Leaf] {
        switch node {
        case .term(let term): return [leaf(term, mask: mask, &termIDs, &displayIDs)]
        case .field(let field, let child): return leaves(child, mask: Self.scope(mask, field), &termIDs, &displayIDs)
        case .or(let children): return children.flatMap { leaves($0, mask: mask, &termIDs, &displayIDs) }
        case .and, .not, .near, .atLeast: return []  // the parser accepts no other NEAR or ATLEAST operands
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
}
