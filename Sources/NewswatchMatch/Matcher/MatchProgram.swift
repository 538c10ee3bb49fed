import NewswatchCore

/// A query compiled against the matcher's term table: the boolean tree the matcher evaluates per item.
indirect enum MatchProgram: Sendable {
    /// One query term, looked for in the fields of `mask`.
    struct Leaf: Sendable {
        var term: Int32
        var mask: UInt8
        /// Index into the matcher's display strings (the term as written).
        var display: Int32
    }

    case leaf(Leaf)
    case and([MatchProgram])
    case or([MatchProgram])
    case not(MatchProgram)
    case near([Leaf], [Leaf], distance: Int32)
    /// Occurrences of the leaves at `count` or more distinct word positions.
    case atLeast([Leaf], count: Int32)

    /// Whether the program is true of an item in which no term occurs (then the topic is always a candidate).
    var matchesWithoutTerms: Bool {
        switch self {
        case .leaf, .near, .atLeast: return false
        case .and(let children): return children.allSatisfy(\.matchesWithoutTerms)
        case .or(let children): return children.contains(where: \.matchesWithoutTerms)
        case .not(let child): return !child.matchesWithoutTerms
        }
    }

    /// The leaves, when the program is one term or an OR of terms.
    var disjunctionLeaves: [Leaf]? {
        switch self {
        case .leaf(let leaf): return [leaf]
        case .or(let children):
            var leaves: [Leaf] = []
            for child in children {
                guard let inner = child.disjunctionLeaves else { return nil }
                leaves += inner
            }
            return leaves
        default: return nil
        }
    }

    /// Every leaf of the program, `NEAR` sides included.
    var leaves: [Leaf] {
        switch self {
        case .leaf(let leaf): return [leaf]
        case .and(let children), .or(let children): return children.flatMap(\.leaves)
        case .not(let child): return child.leaves
        case .near(let left, let right, _): return left + right
        case .atLeast(let leaves, _): return leaves
        }
    }

    /// Sets of term ids of which at least one must occur (in any field) wherever the program is true: a
    /// necessary condition checked before the tree is evaluated. Empty when nothing is required (`NOT x`).
    ///
    /// An AND requires what each part requires; a NEAR a term of each side; an ATLEAST one of its terms; an OR,
    /// for each way of picking one requirement from every alternative, the union of the picks (a few such picks,
    /// not every combination).
    var requirements: [[Int32]] {
        switch self {
        case .leaf(let leaf): return [[leaf.term]]
        case .and(let children): return Self.distinct(children.flatMap(\.requirements))
        case .not: return []
        case .near(let left, let right, _): return [left.map(\.term), right.map(\.term)].map(Self.distinctTerms)
        case .atLeast(let leaves, _): return [Self.distinctTerms(leaves.map(\.term))]
        case .or(let children):
            let alternatives = children.map(\.requirements)
            guard let widest = alternatives.map(\.count).max(), !alternatives.contains(where: \.isEmpty) else {
                return []
            }
            return Self.distinct(
                (0..<min(widest, 4)).map { pick in
                    Self.distinctTerms(alternatives.flatMap { $0[min(pick, $0.count - 1)] })
                })
        }
    }

    private static func distinctTerms(_ terms: [Int32]) -> [Int32] {
        Array(Set(terms)).sorted()
    }

    private static func distinct(_ clauses: [[Int32]]) -> [[Int32]] {
        var seen = Set<[Int32]>()
        return clauses.map(distinctTerms).filter { seen.insert($0).inserted }
    }

    /// Every term id the program mentions.
    var terms: [Int32] {
        switch self {
        case .leaf(let leaf): return [leaf.term]
        case .and(let children), .or(let children): return children.flatMap(\.terms)
        case .not(let child): return child.terms
        case .near(let left, let right, _): return (left + right).map(\.term)
        case .atLeast(let leaves, _): return leaves.map(\.term)
        }
    }
}

extension ItemField {
    /// The field's bit in a leaf's mask.
    var bit: UInt8 {
        switch self {
        case .title: return 1
        case .summary: return 2
        case .content: return 4
        case .feed: return 8
        case .category: return 16
        }
    }

    /// Title, summary and content: where an unscoped term is looked for.
    static let defaultMask: UInt8 = 1 | 2 | 4

    init(bit: UInt8) {
        switch bit {
        case 1: self = .title
        case 2: self = .summary
        case 4: self = .content
        case 8: self = .feed
        default: self = .category
        }
    }
}

extension Query.Field {
    var itemField: ItemField {
        switch self {
        case .title: return .title
        case .summary: return .summary
        case .feed: return .feed
        case .category: return .category
        }
    }
}
