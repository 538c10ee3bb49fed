/// One pass over a UTF-8 XML document that does the work of three before libxml2 sees it: UTF-8 validation
/// (`UTF8Bytes.firstInvalid`), the hostile-markup check (`MarkupGuard`) and the search for references
/// `EntityRepair` would rewrite.
///
/// It walks the document as `MarkupGuard` does and checks, sixteen bytes at a time, the bytes the guard steps over:
/// text between tags and start tags for non-ASCII bytes (validated where they occur) and `&` (its reference
/// checked as `EntityRepair` would), comments, CDATA sections and processing instructions for non-ASCII bytes only
/// (`EntityRepair` leaves their `&` alone). It decides only the common case, a well-formed feed in valid UTF-8;
/// anything else (invalid UTF-8, hostile markup) is left to the separate passes, which word the repair or the
/// error exactly as before.
struct PreScan: MarkupWalkObserver {
    /// What the scan found.
    enum Verdict: Hashable {
        /// Valid UTF-8 and no hostile markup. `entitiesFine`: every `&` outside comments, CDATA sections and
        /// processing instructions starts a well-formed reference, so `EntityRepair` would change nothing.
        /// (`false` when some reference looks broken, or a DOCTYPE or unterminated `<!`/`<?` makes the
        /// regions `EntityRepair` leaves alone differ from the guard's: then `EntityRepair` decides.)
        case clean(entitiesFine: Bool)
        /// Invalid UTF-8 or hostile markup: the separate passes decide.
        case undecided
    }

    private var invalidUTF8 = false
    private var entitiesFine = true

    /// Scans `b` (the document from its first `<`).
    static func scan(_ b: UnsafeBufferPointer<UInt8>) -> Verdict {
        var scan = PreScan()
        guard MarkupGuard.walk(b, html: false, observer: &scan) == nil, !scan.invalidUTF8 else { return .undecided }
        return .clean(entitiesFine: scan.entitiesFine)
    }

    mutating func nextTagOpen(_ b: UnsafeBufferPointer<UInt8>, from p: Int) -> Int? {
        check(b, from: p, to: b.count, stopAtTag: true, references: entitiesFine)
    }

    mutating func steppedOverTag(_ b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
        _ = check(b, from: from, to: to, stopAtTag: false, references: entitiesFine)
    }

    mutating func steppedOverLiteral(_ b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
        _ = check(b, from: from, to: to, stopAtTag: false, references: false)
    }

    mutating func readOnDeclaration() { entitiesFine = false }

    /// Checks `b[from..<to]` for invalid UTF-8 (which ends the walk) and, with `references`, broken references;
    /// with `stopAtTag`, returns the offset of the first `<`.
    @inline(__always)
    private mutating func check(
        _ b: UnsafeBufferPointer<UInt8>, from: Int, to: Int, stopAtTag: Bool, references: Bool
    ) -> Int? {
        guard !invalidUTF8, let base = b.baseAddress else { return nil }
        // Sixteen bytes at a time (SSE2 compares; `SIMD16` with vector operands, not scalar ones, compiles to them).
        let high = SIMD16<UInt8>(repeating: 0x80)
        let open = SIMD16<UInt8>(repeating: 0x3C)
        let ampersand = SIMD16<UInt8>(repeating: 0x26)
        var i = from
        while i < to {
            if i + 16 <= to {
                let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
                var hits = (v & high) .== high
                if stopAtTag { hits .|= v .== open }
                if references { hits .|= v .== ampersand }
                let words = unsafeBitCast(hits, to: SIMD2<UInt64>.self)
                if words[0] | words[1] == 0 {
                    i += 16
                    continue
                }
                // The first byte that needs a look (each hit is 0xFF, in memory order from the low byte).
                i += words[0] != 0 ? words[0].trailingZeroBitCount >> 3 : 8 + words[1].trailingZeroBitCount >> 3
            } else if i + 8 <= b.count {
                // Eight at a time for the rest (start tags are often shorter than sixteen bytes); a word that reaches
                // past `to` (still inside the document) has the bytes beyond it masked off.
                let w = ByteWords.load(base + i)
                var hits = w & 0x8080_8080_8080_8080
                if stopAtTag { hits |= ByteWords.matches(w, 0x3C) }
                if references { hits |= ByteWords.matches(w, 0x26) }
                if to - i < 8 { hits &= (1 << (8 * UInt64(to - i))) &- 1 }
                if hits == 0 {
                    i += min(8, to - i)
                    continue
                }
                i += hits.trailingZeroBitCount >> 3
            }
            let c = base[i]
            if c >= 0x80 {
                let length = UTF8Bytes.sequenceLength(b, i)
                guard length > 0 else {
                    invalidUTF8 = true
                    return nil
                }
                i += length
                continue
            }
            if c == 0x3C, stopAtTag { return i }
            if c == 0x26, references, entitiesFine, !Self.isCommonReference(b, i),
                !EntityRepair.isWellFormedReference(b, at: i)
            {
                entitiesFine = false
            }
            i += 1
        }
        return nil
    }

    /// `&amp;`, `&lt;` or `&gt;` at `i`, read as one word (most references in feeds are these).
    @inline(__always)
    private static func isCommonReference(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        guard i + 5 <= b.count, let base = b.baseAddress else { return false }
        let w = UInt32(littleEndian: UnsafeRawPointer(base + i + 1).loadUnaligned(as: UInt32.self))
        return w == 0x3B70_6D61 || w & 0xFF_FFFF == 0x3B_746C || w & 0xFF_FFFF == 0x3B_7467  // "amp;" "lt;" "gt;"
    }
}
