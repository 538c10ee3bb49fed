/// A read-only map from a pair of word ids (a phrase's first two words) to a dense pair id, by open addressing.
///
/// A first word such as "chief" or "renewed" starts two dozen phrases of a broad topic set; indexing phrases by
/// their first two words makes a word followed by a word no phrase continues with cost one probe, not a visit
/// of every phrase it starts.
struct PairTable: Sendable {
    /// `first << 32 | second` per slot, `empty` for none.
    private var keys: [UInt64]
    private var ids: [Int32]
    private var mask: Int

    private static var empty: UInt64 { .max }

    /// The table of `pairs` (distinct), each given its index as id.
    init(_ pairs: [(Int32, Int32)]) {
        var size = 16
        while size < pairs.count * 2 { size *= 2 }
        keys = Array(repeating: Self.empty, count: size)
        ids = Array(repeating: -1, count: size)
        mask = size - 1
        for (id, pair) in pairs.enumerated() {
            let key = Self.key(pair.0, pair.1)
            var i = Self.slot(key, mask)
            while keys[i] != Self.empty { i = (i + 1) & mask }
            keys[i] = key
            ids[i] = Int32(id)
        }
    }

    @inline(__always)
    private static func key(_ first: Int32, _ second: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: first)) << 32 | UInt64(UInt32(bitPattern: second))
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The id of the pair, or -1.
    @inline(__always)
    func lookup(_ first: Int32, _ second: Int32) -> Int32 {
        let key = Self.key(first, second)
        var i = Self.slot(key, mask)
        while true {
            let k = keys[i]
            if k == key { return ids[i] }
            if k == Self.empty { return -1 }
            i = (i + 1) & mask
        }
    }
}
