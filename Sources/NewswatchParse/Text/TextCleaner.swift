/// Whitespace collapsing and trimming over UTF-8 bytes, straight into a `String`.
///
/// Every run of white space (ASCII, NBSP, the Unicode space separators, line and paragraph
/// separators) becomes one space; control characters count as white space; zero-width spaces and
/// byte-order marks are dropped; C1 controls (U+0080–U+009F, which only ever arrive as mislabelled
/// windows-1252, e.g. `&#146;`) are read as windows-1252, the five it leaves undefined dropped; the ends are
/// trimmed. So no control character survives in cleaned text (no terminal escape reaches any output).
enum TextCleaner {
    static func clean(_ input: UnsafeBufferPointer<UInt8>) -> String {
        guard let b = input.baseAddress, !input.isEmpty else { return "" }
        // The output can grow at most by half (a C1 byte pair becomes a 3-byte windows-1252 character); the
        // writer asks for one byte more (a space owed from before the piece, which a single piece never has).
        let capacity = input.count + input.count / 2 + 1
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            guard let out = buffer.baseAddress else { return 0 }
            var writer = CleanWriter(out, capacity: capacity)
            writer.write(b, input.count)
            return writer.count
        }
    }

    /// Only trims ASCII white space (ids, links, dates: values that are not prose).
    static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> String {
        var lo = 0
        var hi = b.count
        while lo < hi, b[lo] <= 0x20 { lo += 1 }
        while hi > lo, b[hi - 1] <= 0x20 { hi -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: b[lo..<hi]), as: UTF8.self)
    }

    /// Whether the bytes contain `<` or `&`, i.e. may hold markup or entities.
    static func mayHoldMarkup(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in b where c == 0x3C || c == 0x26 { return true }
        return false
    }

    static func trimmed(_ a: [UInt8]) -> String { a.withUnsafeBufferPointer { trimmed($0) } }
    static func clean(_ a: [UInt8]) -> String { a.withUnsafeBufferPointer { clean($0) } }
}
