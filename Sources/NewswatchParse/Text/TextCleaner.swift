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
        // Raw pointers, not buffer subscripts: the buffers' bounds checks stay on in release builds and cost a
        // third of this loop, which every title, summary and content goes through. The output can grow at most
        // by half (a C1 byte pair becomes a 3-byte windows-1252 character), so `out` is never overrun.
        return String(unsafeUninitializedCapacity: input.count + input.count / 2) { buffer in
            guard let out = buffer.baseAddress else { return 0 }
            var n = 0
            var pending = false
            var i = 0
            let count = input.count
            while i < count {
                let c = b[i]
                if c < 0x80 {
                    if c <= 0x20 || c == 0x7F {
                        pending = n > 0
                        i += 1
                        continue
                    }
                    if pending {
                        out[n] = 0x20
                        n += 1
                        pending = false
                    }
                    out[n] = c
                    n += 1
                    i += 1
                    // Runs of words: eight printable ASCII bytes at once while spaces in them are single and
                    // none ends the eight (the next byte could be white space too, or the end).
                    while i + 8 <= count {
                        let w = ByteWords.load(b + i)
                        guard ByteWords.allPrintable(w) else { break }
                        let spaces = ByteWords.matches(w, 0x20)
                        if spaces & (spaces << 8) != 0 || spaces >> 63 != 0 { break }
                        UnsafeMutableRawPointer(out + n).storeBytes(of: w.littleEndian, as: UInt64.self)
                        n += 8
                        i += 8
                    }
                    // The rest of a word: visible ASCII, copied without the checks above.
                    while i < count, b[i] &- 0x21 < 0x5E {
                        out[n] = b[i]
                        n += 1
                        i += 1
                    }
                    continue
                }
                // Non-ASCII: the input is valid UTF-8 (the parsers guarantee it).
                var len = 1
                var space = false
                var drop = false
                var c1Byte: UInt8 = 0
                if c >= 0xF0 {
                    len = 4
                } else if c >= 0xE0 {
                    len = 3
                    if i + 2 < count {
                        let c1 = b[i + 1]
                        let c2 = b[i + 2]
                        if c == 0xE2 && c1 == 0x80 {
                            if c2 <= 0x8A || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF { space = true }
                            else if c2 == 0x8B { drop = true }  // U+200B zero-width space
                        } else if c == 0xE2 && c1 == 0x81 && c2 == 0x9F {
                            space = true
                        } else if c == 0xE3 && c1 == 0x80 && c2 == 0x80 {
                            space = true
                        } else if c == 0xE1 && c1 == 0x9A && c2 == 0x80 {
                            space = true
                        } else if c == 0xEF && c1 == 0xBB && c2 == 0xBF {
                            drop = true  // a stray byte-order mark
                        }
                    }
                } else if c >= 0xC0 {
                    len = 2
                    if c == 0xC2, i + 1 < count {
                        let c1 = b[i + 1]
                        if c1 == 0xA0 {
                            space = true
                        } else if c1 < 0xA0 {
                            // The five bytes windows-1252 leaves undefined stay C1 controls: dropped.
                            if c1 == 0x81 || c1 == 0x8D || c1 == 0x8F || c1 == 0x90 || c1 == 0x9D {
                                drop = true
                            } else {
                                c1Byte = c1
                            }
                        }
                    }
                }
                if i + len > count { break }
                if space {
                    pending = n > 0
                } else if !drop {
                    if pending {
                        out[n] = 0x20
                        n += 1
                        pending = false
                    }
                    if c1Byte != 0 {
                        var scratch: [UInt8] = []
                        UTF8Bytes.appendScalar(Windows1252.scalar(c1Byte), to: &scratch)
                        for s in scratch {
                            out[n] = s
                            n += 1
                        }
                    } else {
                        for k in 0..<len { out[n + k] = b[i + k] }
                        n += len
                    }
                }
                i += len
            }
            return n
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
