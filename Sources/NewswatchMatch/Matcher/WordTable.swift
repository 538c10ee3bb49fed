import Foundation

/// An open-addressing hash table from normalised words (UTF-8 bytes) to dense ids, looked up without allocating.
///
/// Built once when topics are compiled; then only read, so it is a plain `Sendable` value.
struct WordTable: Sendable {
    private var slots: [Int32]  // entry id, or -1 for an empty slot
    private var hashes: [UInt64] = []
    private var offsets: [Int32] = []
    private var lengths: [Int32] = []
    private var arena: [UInt8] = []
    private var mask: Int

    /// Distinct lengths (in bytes) of the words held, ascending: a prefix table probes only these.
    private(set) var wordLengths: [Int] = []

    init() {
        slots = Array(repeating: -1, count: 16)
        mask = 15
    }

    var count: Int { offsets.count }

    /// The raw arrays, for `FrozenWordTable`.
    var parts: (slots: [Int32], hashes: [UInt64], offsets: [Int32], lengths: [Int32], arena: [UInt8]) {
        (slots, hashes, offsets, lengths, arena)
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = hashSeed
        for b in bytes { h = hashStep(h, b) }
        return hashFinish(h)
    }

    // The hash in steps, so the hashes of a word's prefixes come one after another from one pass over it.
    @inline(__always) static var hashSeed: UInt64 { 0xcbf2_9ce4_8422_2325 }
    @inline(__always) static func hashStep(_ h: UInt64, _ b: UInt8) -> UInt64 { (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    @inline(__always) static func hashFinish(_ h: UInt64) -> UInt64 { h ^ (h >> 29) }

    /// The id of `word`, inserting it if new.
    mutating func insert(_ word: String) -> Int32 {
        var word = word
        return word.withUTF8 { bytes in
            if let id = find(bytes, hash: Self.hash(bytes)) { return id }
            let id = Int32(offsets.count)
            hashes.append(Self.hash(bytes))
            offsets.append(Int32(arena.count))
            lengths.append(Int32(bytes.count))
            arena.append(contentsOf: bytes)
            if !wordLengths.contains(bytes.count) {
                wordLengths.append(bytes.count)
                wordLengths.sort()
            }
            if offsets.count * 2 > slots.count { grow() } else { place(id) }
            return id
        }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for id in 0..<offsets.count { place(Int32(id)) }
    }

    private mutating func place(_ id: Int32) {
        var i = Int(truncatingIfNeeded: hashes[Int(id)]) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = id
    }

    /// The id of the word in `bytes`, or -1.
    @inline(__always)
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        find(bytes, hash: Self.hash(bytes)) ?? -1
    }

    @inline(__always)
    private func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32? {
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = slots[i]
            if id < 0 { return nil }
            if hashes[Int(id)] == hash, Int(lengths[Int(id)]) == bytes.count {
                let start = Int(offsets[Int(id)])
                var equal = true
                for k in 0..<bytes.count where arena[start + k] != bytes[k] {
                    equal = false
                    break
                }
                if equal { return id }
            }
            i = (i + 1) & mask
        }
    }
}

/// A `WordTable` frozen for matching: the same lookups over raw memory, with no reference counting or bounds
/// checks per probe.
///
/// Each slot holds the entry's id and the high half of its hash, so a probe for a word that is not in the table
/// (most words of most text) reads only the slot array.
///
/// Built for one of two hashes: `quickHash` (whole words, `lookup(_:)`: a few loads and two multiplies per word
/// instead of a multiply per byte) or `WordTable.hash` (`lookup(_:hash:)`, for the prefix table, whose probes
/// hash a word's prefixes incrementally).
final class FrozenWordTable: @unchecked Sendable {
    // Owner: this object. Written once in `init`, only read afterwards, freed in `deinit`.
    /// High 32 bits: the hash's high half; low 32 bits: entry id + 1 (0: empty).
    private let slots: UnsafeMutableBufferPointer<UInt64>
    private let offsets: UnsafeMutableBufferPointer<Int32>
    private let lengths: UnsafeMutableBufferPointer<Int32>
    private let arena: UnsafeMutableBufferPointer<UInt8>
    private let mask: Int
    /// One bit per `filterBits` value of a hash, set for the words held: most words of most text are in no term,
    /// and this 4 KiB stays in the L1 cache where the slot array (8 bytes a slot, two slots a word) of a large
    /// topic set does not.
    private let filter: UnsafeMutableBufferPointer<UInt64>
    /// Distinct word lengths, ascending.
    let wordLengths: [Int]

    init(_ table: WordTable, quickHash: Bool) {
        let parts = table.parts
        var size = 16
        while size < parts.offsets.count * 2 { size *= 2 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0)
        mask = size - 1
        let hashes =
            quickHash
            ? parts.offsets.indices.map { id in
                parts.arena.withUnsafeBufferPointer {
                    Self.quickHash(
                        UnsafeBufferPointer(
                            rebasing: $0[Int(parts.offsets[id])..<Int(parts.offsets[id] + parts.lengths[id])]))
                }
            } : parts.hashes
        for (id, hash) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: hash) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(id + 1)
        }
        offsets = .allocate(capacity: max(1, parts.offsets.count))
        _ = offsets.initialize(from: parts.offsets)
        lengths = .allocate(capacity: max(1, parts.lengths.count))
        _ = lengths.initialize(from: parts.lengths)
        arena = .allocate(capacity: max(1, parts.arena.count))
        _ = arena.initialize(from: parts.arena)
        wordLengths = table.wordLengths
        filter = .allocate(capacity: Self.filterBits / 64)
        filter.initialize(repeating: 0)
        for hash in hashes {
            let bit = Self.filterBit(hash)
            filter[bit >> 6] |= 1 << UInt64(bit & 63)
        }
    }

    private static var filterBits: Int { 32768 }

    /// Bits 32–46 of the hash: independent of the slot index (low bits); the tag's low bits, but the tag is
    /// compared only after the filter passed.
    @inline(__always)
    private static func filterBit(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> 32) & (filterBits - 1) }

    deinit {
        filter.deallocate()
        slots.deallocate()
        offsets.deallocate()
        lengths.deallocate()
        arena.deallocate()
    }

    /// The id of the word in `bytes`, or -1 (a table built with `quickHash: true`).
    @inline(__always)
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        lookup(bytes, hash: Self.quickHash(bytes))
    }

    /// A hash of a whole word from at most two loads of up to 8 bytes (overlapping, never past the word; a loop
    /// over 8-byte steps only beyond 16 bytes), mixed by two multiplies: every input bit reaches the low bits
    /// (slot index) and the high half (tag, filter).
    @inline(__always)
    static func quickHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        guard let p = UnsafeRawPointer(bytes.baseAddress), n > 0 else { return mix(0) }
        var v: UInt64
        if n >= 8 {
            var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
            var at = 0
            while n - at > 16 {
                h = (h ^ p.loadUnaligned(fromByteOffset: at, as: UInt64.self)) &* 0xff51_afd7_ed55_8ccd
                h ^= h >> 29
                at += 8
            }
            let a = p.loadUnaligned(fromByteOffset: at, as: UInt64.self)
            let b = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            v = (h ^ a) &* 0xc4ce_b9fe_1a85_ec53 ^ b
        } else if n >= 4 {
            let a = UInt64(p.loadUnaligned(as: UInt32.self))
            let b = UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            v = a | b << 32
            v ^= UInt64(n) << 61
        } else {
            v = UInt64(bytes[0]) | UInt64(bytes[n >> 1]) << 8 | UInt64(bytes[n - 1]) << 16 | UInt64(n) << 24
        }
        return mix(v)
    }

    /// Whether the `count` bytes at `a` and `b` are equal: inline loads for words up to 16 bytes (a libc call
    /// costs more than the compare), never reading past either.
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let x = UnsafeRawPointer(a)
        let y = UnsafeRawPointer(b)
        switch count {
        case 8...16:
            return x.loadUnaligned(as: UInt64.self) == y.loadUnaligned(as: UInt64.self)
                && x.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                    == y.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        case 4..<8:
            return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
                && x.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
                    == y.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        case 1..<4:
            return a[0] == b[0] && a[count >> 1] == b[count >> 1] && a[count - 1] == b[count - 1]
        case 0:
            return true
        default:
            return memcmp(a, b, count) == 0
        }
    }

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var h = (value ^ 0x2545_F491_4F6C_DD1D) &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 32
        h = h &* 0xc4ce_b9fe_1a85_ec53
        return h ^ (h >> 29)
    }

    /// The id of the word in `bytes` whose `WordTable.hash` is `hash`, or -1.
    @inline(__always)
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32 {
        let bit = Self.filterBit(hash)
        guard filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { return -1 }
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var i = Int(truncatingIfNeeded: hash) & mask
        let count = bytes.count
        while true {
            let slot = slots[i]
            if slot == 0 { return -1 }
            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                let e = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                if Int(lengths[e]) == count, Self.equal(arena.baseAddress! + Int(offsets[e]), bytes.baseAddress!, count)
                {
                    return Int32(e)
                }
            }
            i = (i + 1) & mask
        }
    }
}
