/// The alert ids already in one alert file, held compactly: the store's ids are 32 lower-case hex digits, kept here
/// as their 128 bits (16 bytes) instead of a heap-allocated `String` each (about 80 bytes with the set's slot).
///
/// The file sink holds one for each file it writes: every id of the file when it reads the file, less each id it
/// has since marked delivered, plus the ids it writes until it marks them (`FileAlertSink.FileIndex`). Any other id
/// (a line another program wrote) is kept as written, so membership stays exact.
struct AlertIDSet {
    private struct Bits: Hashable {
        var high: UInt64
        var low: UInt64
    }

    private var compact: Set<Bits> = []
    private var others: Set<String> = []

    /// How many ids are held as text (not in the store's form).
    var textCount: Int { others.count }
    /// How many ids are held.
    var count: Int { compact.count + others.count }

    /// Whether `id` is in the set.
    func contains(_ id: String) -> Bool {
        if let bits = Self.bits(id) { return compact.contains(bits) }
        return others.contains(id)
    }

    /// Adds `id`.
    mutating func insert(_ id: String) {
        if let bits = Self.bits(id) {
            compact.insert(bits)
        } else {
            others.insert(id)
        }
    }

    /// Removes `id` (nothing when it is not in the set).
    mutating func remove(_ id: String) {
        if let bits = Self.bits(id) {
            compact.remove(bits)
        } else {
            others.remove(id)
        }
    }

    /// The 128 bits of an id of exactly 32 lower-case hex digits; `nil` for anything else (upper-case digits too, so
    /// that two spellings never meet in one slot).
    private static func bits(_ id: String) -> Bits? {
        guard id.utf8.count == 32 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (i, byte) in id.utf8.enumerated() {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            default: return nil
            }
            if i < 16 { high = high << 4 | digit } else { low = low << 4 | digit }
        }
        return Bits(high: high, low: low)
    }
}
