/// Byte-level UTF-8 helpers for the parser's hot paths (validation, repair, windows-1252 decoding).
enum UTF8Bytes {
    /// The offset of the first byte that does not start a valid UTF-8 sequence, or `nil` when all is valid.
    ///
    /// ASCII runs are skipped eight bytes at a time; overlong forms, surrogates and code points past
    /// U+10FFFF are invalid, as in the Unicode standard.
    static func firstInvalid(_ b: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
        guard let base = b.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        let n = b.count
        var i = start
        while i < n {
            if i + 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if w & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
            }
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let len = sequenceLength(b, i)
            if len == 0 { return i }
            i += len
        }
        return nil
    }

    /// The length of the valid UTF-8 sequence starting at `i` (a non-ASCII lead byte), or 0 when invalid.
    @inline(__always)
    static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let n = b.count
        let c = b[i]
        @inline(__always) func cont(_ k: Int) -> Bool { k < n && b[k] & 0xC0 == 0x80 }
        switch c {
        case 0xC2...0xDF:
            return cont(i + 1) ? 2 : 0
        case 0xE0:
            return i + 1 < n && (0xA0...0xBF).contains(b[i + 1]) && cont(i + 2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            return cont(i + 1) && cont(i + 2) ? 3 : 0
        case 0xED:
            return i + 1 < n && (0x80...0x9F).contains(b[i + 1]) && cont(i + 2) ? 3 : 0
        case 0xF0:
            return i + 1 < n && (0x90...0xBF).contains(b[i + 1]) && cont(i + 2) && cont(i + 3) ? 4 : 0
        case 0xF1...0xF3:
            return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0
        case 0xF4:
            return i + 1 < n && (0x80...0x8F).contains(b[i + 1]) && cont(i + 2) && cont(i + 3) ? 4 : 0
        default:
            return 0
        }
    }

    /// Copies `b` as valid UTF-8, reading each byte that is not part of a valid sequence as windows-1252
    /// (the usual cause: a windows-1252 fragment pasted into a UTF-8 feed). Returns the copy and the count
    /// of repaired bytes.
    static func repaired(_ b: UnsafeBufferPointer<UInt8>, firstInvalid: Int) -> ([UInt8], Int) {
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 64)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[0..<firstInvalid]))
        var i = firstInvalid
        var repairs = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 {
                out.append(c)
                i += 1
                continue
            }
            let len = sequenceLength(b, i)
            if len > 0 {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<(i + len)]))
                i += len
            } else {
                appendScalar(Windows1252.scalar(c), to: &out)
                repairs += 1
                i += 1
            }
        }
        return (out, repairs)
    }

    /// Appends the UTF-8 encoding of a Unicode scalar value.
    @inline(__always)
    static func appendScalar(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// Whether every byte is ASCII.
    static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= b.count {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < b.count {
            if b[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }
}

/// windows-1252, the encoding web practice reads for every "ISO-8859-1" or "US-ASCII" label.
enum Windows1252 {
    /// 0x80–0x9F; the five undefined bytes map to their C1 code points, as the WHATWG Encoding standard does.
    private static let high: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161,
        0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    @inline(__always)
    static func scalar(_ c: UInt8) -> UInt32 {
        (0x80...0x9F).contains(c) ? high[Int(c) - 0x80] : UInt32(c)
    }

    /// Decodes windows-1252 bytes to UTF-8.
    static func decode(_ b: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count + b.count / 8)
        guard let base = b.baseAddress else { return out }
        var i = 0
        while i < b.count {
            // Runs of ASCII (almost all of a document) are copied whole, found eight bytes at a time.
            var end = i
            while end + 8 <= b.count, ByteWords.load(base + end) & 0x8080_8080_8080_8080 == 0 { end += 8 }
            while end < b.count, base[end] < 0x80 { end += 1 }
            if end > i { out.append(contentsOf: UnsafeBufferPointer(start: base + i, count: end - i)) }
            guard end < b.count else { break }
            UTF8Bytes.appendScalar(scalar(base[end]), to: &out)
            i = end + 1
        }
        return out
    }
}
