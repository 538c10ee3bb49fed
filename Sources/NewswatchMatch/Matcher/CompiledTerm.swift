/// A term as the matcher looks for it: the word ids in order, which words must be acronyms, and whether the last
/// word is a prefix (then its id is in the prefix table, not the word table).
struct CompiledTerm: Sendable, Hashable {
    var keys: [Int32]
    var acronym: [Bool]
    var prefixLast: Bool
}

/// All compiled terms laid out flat in raw memory for the per-word phrase checks (no reference counting there).
final class FrozenTerms: @unchecked Sendable {
    // Owner: this object. Written once in `init`, only read afterwards, freed in `deinit`.
    private let starts: UnsafeMutableBufferPointer<Int32>
    private let lengths: UnsafeMutableBufferPointer<Int32>
    private let prefixLast: UnsafeMutableBufferPointer<Bool>
    private let keys: UnsafeMutableBufferPointer<Int32>
    private let acronym: UnsafeMutableBufferPointer<Bool>

    init(_ terms: [CompiledTerm]) {
        starts = .allocate(capacity: max(1, terms.count))
        lengths = .allocate(capacity: max(1, terms.count))
        prefixLast = .allocate(capacity: max(1, terms.count))
        let total = terms.reduce(0) { $0 + $1.keys.count }
        keys = .allocate(capacity: max(1, total))
        acronym = .allocate(capacity: max(1, total))
        var at = 0
        for (i, term) in terms.enumerated() {
            starts[i] = Int32(at)
            lengths[i] = Int32(term.keys.count)
            prefixLast[i] = term.prefixLast
            for (k, key) in term.keys.enumerated() {
                keys[at + k] = key
                acronym[at + k] = term.acronym[k]
            }
            at += term.keys.count
        }
    }

    deinit {
        starts.deallocate()
        lengths.deallocate()
        prefixLast.deallocate()
        keys.deallocate()
        acronym.deallocate()
    }

    @inline(__always) func length(_ term: Int32) -> Int { Int(lengths[Int(term)]) }
    @inline(__always) func isPrefixLast(_ term: Int32) -> Bool { prefixLast[Int(term)] }
    /// The word id (or prefix id, for a prefix term's last word) of word `j` of `term`.
    @inline(__always) func key(_ term: Int32, _ j: Int) -> Int32 { keys[Int(starts[Int(term)]) + j] }
    /// Entry `offset` of the flat key array (a term's keys start where `TopicTables.TermStart.keys` says).
    @inline(__always) func flatKey(_ offset: Int) -> Int32 { keys[offset] }
    /// Whether word `j` of `term` is an acronym that needs capitals or dots in the text.
    @inline(__always) func needsAcronym(_ term: Int32, _ j: Int) -> Bool { acronym[Int(starts[Int(term)]) + j] }
}
