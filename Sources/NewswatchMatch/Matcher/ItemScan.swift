/// The per-item working state of matching: which terms occurred where. Reused from item to item (`reset()`).
///
/// Its lists are `Scratch` (raw memory): a copy of an `ItemScan` reads the same state, and only its owning
/// `SessionState` frees it (`free()`).
struct ItemScan {
    /// One occurrence of a term, chained to the term's previous occurrence.
    struct Occurrence {
        var term: Int32
        var field: UInt8
        /// Word positions, global across the item's fields (fields are separated by a gap, so a phrase or a
        /// `NEAR` never spans two of them).
        var start: Int32
        var end: Int32
        var next: Int32
    }

    /// A prefix-table id matched by the word at a position of the field being scanned.
    struct PrefixHit {
        var position: Int32
        var key: Int32
    }

    /// Per term id: the index of its latest occurrence, or -1.
    var head: Scratch<Int32>
    var occurrences = Scratch<Occurrence>(capacity: 64)
    /// Terms that occurred at least once, in first-occurrence order.
    var occurred = Scratch<Int32>(capacity: 32)

    // The field being scanned, by position within the field: word ids with their acronym shapes, and prefix hits.
    /// Word id << 1 | 1 when the word was written as an acronym can be (all capitals or dotted): one array, one
    /// append per word. Negative for a word in no term.
    var keys = Scratch<Int32>(capacity: 256)
    var prefixHits = Scratch<PrefixHit>(capacity: 16)

    init(termCount: Int) {
        head = Scratch(repeating: -1, count: termCount)
    }

    func free() {
        head.free()
        occurrences.free()
        occurred.free()
        keys.free()
        prefixHits.free()
    }

    /// Forgets the item, touching only the terms that occurred (the `head` table stays allocated).
    mutating func reset() {
        for k in 0..<occurred.count { head[Int(occurred[k])] = -1 }
        occurred.removeAll()
        occurrences.removeAll()
    }

    @inline(__always)
    static func pack(_ key: Int32, acronymForm: Bool) -> Int32 { key << 1 | (acronymForm ? 1 : 0) }

    /// The word id at `position` of the field being scanned (-1: in no term).
    @inline(__always)
    func key(at position: Int) -> Int32 { keys[position] >> 1 }

    /// Whether the word at `position` of the field being scanned was written as an acronym can be.
    @inline(__always)
    func isAcronymForm(at position: Int) -> Bool { keys[position] & 1 != 0 }

    mutating func add(term: Int32, field: UInt8, start: Int32, end: Int32) {
        let previous = head[Int(term)]
        if previous < 0 { occurred.append(term) }
        head[Int(term)] = Int32(occurrences.count)
        occurrences.append(Occurrence(term: term, field: field, start: start, end: end, next: previous))
    }

    /// Whether `term` occurred in a field of `mask`.
    @inline(__always)
    func occurs(_ term: Int32, in mask: UInt8) -> Bool {
        var o = head[Int(term)]
        while o >= 0 {
            let occurrence = occurrences[Int(o)]
            if occurrence.field & mask != 0 { return true }
            o = occurrence.next
        }
        return false
    }

    static var severalFields: UInt8 { 0xFF }

    /// The field bit of `mask` in which all of `term`'s occurrences there are; 0 when it has none there,
    /// `severalFields` when they are in more than one.
    @inline(__always)
    func onlyField(of term: Int32, in mask: UInt8) -> UInt8 {
        var field: UInt8 = 0
        var o = head[Int(term)]
        while o >= 0 {
            let occurrence = occurrences[Int(o)]
            if occurrence.field & mask != 0 {
                if field == 0 {
                    field = occurrence.field
                } else if occurrence.field != field {
                    return Self.severalFields
                }
            }
            o = occurrence.next
        }
        return field
    }

    /// Whether the prefix-table id `key` matched the word at `position` of the field being scanned.
    func hasPrefix(_ key: Int32, at position: Int32) -> Bool {
        for k in 0..<prefixHits.count where prefixHits[k].position == position && prefixHits[k].key == key {
            return true
        }
        return false
    }
}
