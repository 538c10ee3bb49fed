/// A term as the matcher looks for it: the word ids in order, which words must be acronyms, and whether the last
/// word is a prefix (then its id is in the prefix table, not the word table).
struct CompiledTerm: Sendable, Hashable {
    var keys: [Int32]
    var acronym: [Bool]
    var prefixLast: Bool
}
