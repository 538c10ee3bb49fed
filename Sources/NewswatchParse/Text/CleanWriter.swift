/// `TextCleaner`'s white-space collapsing as a writer: bytes go in in pieces (each whole UTF-8 sequences), the
/// cleaned text comes out in `out`, so HTML-to-text can write a `String`'s storage in the same pass that strips
/// tags and decodes references (`SimpleHTMLScanner.plainText`). One piece or many, the output is the same.
struct CleanWriter {
    /// Where the cleaned text goes: `capacity` bytes.
    let out: UnsafeMutablePointer<UInt8>
    let capacity: Int
    /// Bytes written.
    private(set) var count = 0
    /// A space is owed before the next visible character (none at the start: trimmed).
    private var pending = false
    /// A piece would not have fit in `capacity`: the output is incomplete and must not be used.
    private(set) var overflowed = false
    /// A decoded `<` was written: the caller must decide whether the text is still markup.
    private(set) var sawLessThan = false

    init(_ out: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.out = out
        self.capacity = capacity
    }

    /// Cleans `count` bytes at `b` onto the output.
    @inline(__always)
    mutating func write(_ b: UnsafePointer<UInt8>, _ count: Int) {
        _ = clean(b, count, stopAtMarkup: false)
    }

    /// Cleans the bytes at `b` up to the first `<` or `&` (at most `count`) onto the output; returns how many it
    /// took. HTML text is cleaned in the same pass that looks for the next tag or reference.
    @inline(__always)
    mutating func writeText(_ b: UnsafePointer<UInt8>, _ count: Int) -> Int {
        clean(b, count, stopAtMarkup: true)
    }

    /// Inlined with `stopAtMarkup` a constant: per piece of text its state stays in registers, and `write` has no
    /// markup checks.
    @inline(__always)
    private mutating func clean(_ b: UnsafePointer<UInt8>, _ count: Int, stopAtMarkup: Bool) -> Int {
        // Raw pointers, not buffer subscripts: the buffers' bounds checks stay on in release builds and cost a
        // third of this loop, which every title, summary and content goes through. A piece can grow at most by
        // half (a C1 byte pair becomes a 3-byte windows-1252 character), plus the space owed from before it, so with
        // room for that `out` is never overrun.
        guard !overflowed, count + count / 2 + 1 <= capacity - self.count else {
            overflowed = true
            return count
        }
        let out = self.out
        var n = self.count
        var pending = self.pending
        defer {
            self.count = n
            self.pending = pending
        }
        var i = 0
        while i < count {
            let c = b[i]
            if c < 0x80 {
                if c <= 0x20 || c == 0x7F {
                    pending = n > 0
                    i += 1
                    continue
                }
                if stopAtMarkup && (c == 0x3C || c == 0x26) { return i }
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
                    if stopAtMarkup && (ByteWords.contains(w, 0x3C) || ByteWords.contains(w, 0x26)) { break }
                    let spaces = ByteWords.matches(w, 0x20)
                    if spaces & (spaces << 8) != 0 || spaces >> 63 != 0 { break }
                    UnsafeMutableRawPointer(out + n).storeBytes(of: w.littleEndian, as: UInt64.self)
                    n += 8
                    i += 8
                }
                // The rest of a word: visible ASCII, copied without the checks above.
                while i < count, b[i] &- 0x21 < 0x5E, !stopAtMarkup || (b[i] != 0x3C && b[i] != 0x26) {
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
                        if c2 <= 0x8A || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF {
                            space = true
                        } else if c2 == 0x8B {
                            drop = true
                        }  // U+200B zero-width space
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
        return i
    }
}

extension CleanWriter: HTMLTextSink {
    mutating func appendRun(_ start: UnsafePointer<UInt8>, _ count: Int) { write(start, count) }

    mutating func appendByte(_ byte: UInt8) {
        // A block element's space only owes a space, as `write` would make of it.
        if byte == 0x20 {
            pending = count > 0
            return
        }
        withUnsafePointer(to: byte) { write($0, 1) }
    }

    mutating func appendScalar(_ v: UInt32) {
        if v == 0x3C { sawLessThan = true }
        // The scalar's UTF-8 bytes, first byte lowest, in one word.
        var word: UInt32
        let length: Int
        switch v {
        case 0..<0x80:
            word = v
            length = 1
        case 0x80..<0x800:
            word = (0xC0 | v >> 6) | (0x80 | v & 0x3F) << 8
            length = 2
        case 0x800..<0x10000:
            word = (0xE0 | v >> 12) | (0x80 | v >> 6 & 0x3F) << 8 | (0x80 | v & 0x3F) << 16
            length = 3
        default:
            word =
                (0xF0 | v >> 18) | (0x80 | v >> 12 & 0x3F) << 8 | (0x80 | v >> 6 & 0x3F) << 16
                | (0x80 | v & 0x3F) << 24
            length = 4
        }
        word = word.littleEndian
        withUnsafeBytes(of: &word) { write($0.baseAddress!.assumingMemoryBound(to: UInt8.self), length) }
    }
}
