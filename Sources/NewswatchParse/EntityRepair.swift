import CLibXML2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The pre-pass that fixes the two entity mistakes feeds make most, before libxml2 sees the bytes.
///
/// An unescaped `&` (`AT&T`, `?a=1&b=2`) becomes `&amp;`; an HTML entity XML does not define
/// (`&nbsp;`, `&eacute;`) becomes its numeric reference. Text inside CDATA sections, comments,
/// processing instructions and a DOCTYPE is left alone. Well-formed documents are only scanned
/// (with `memchr`), never copied.
enum EntityRepair {
    private enum Fix {
        case escape  // insert "amp;" after the '&'
        case numeric(UInt32, nameLength: Int)  // replace "&name;" with "&#N;"
    }

    /// A repaired copy, or `nil` when every reference was already fine.
    static func repair(_ b: UnsafeBufferPointer<UInt8>, warnings: inout [String]) -> [UInt8]? {
        guard let base = b.baseAddress, b.count > 0 else { return nil }
        var fixes: [(Int, Fix)] = []
        var literal: LiteralRegions?
        var declared: Set<[UInt8]> = []
        var p = 0
        while p < b.count {
            guard let hit = memchr(base + p, 0x26, b.count - p) else { break }
            let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            p = at + 1
            let fix: Fix?
            switch classify(b, at) {
            case .fine: fix = nil
            case .escape: fix = .escape
            case .named(let start, let end):
                let name = Array(b[start..<end])
                if let value = htmlEntityValue(name) {
                    fix = .numeric(value, nameLength: end - start)
                } else {
                    if literal == nil {
                        literal = LiteralRegions(b)
                        declared = literal!.declaredEntities
                    }
                    fix = declared.contains(name) ? nil : .escape
                }
            }
            guard let fix else { continue }
            if literal == nil {
                literal = LiteralRegions(b)
                declared = literal!.declaredEntities
            }
            if literal!.contains(at) { continue }
            fixes.append((at, fix))
        }
        guard !fixes.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(b.count + fixes.count * 8)
        var copied = 0
        var escapes = 0
        var numerics = 0
        for (at, fix) in fixes {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied...at]))  // through the '&'
            switch fix {
            case .escape:
                out.append(contentsOf: [0x61, 0x6D, 0x70, 0x3B])  // "amp;"
                copied = at + 1
                escapes += 1
            case .numeric(let value, let nameLength):
                out.append(0x23)  // '#'
                out.append(contentsOf: Array(String(value).utf8))
                out.append(0x3B)
                copied = at + 1 + nameLength + 1
                numerics += 1
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied...]))
        if escapes > 0 { warnings.append("\(escapes) unescaped '&' read as text") }
        if numerics > 0 {
            warnings.append("\(numerics) HTML entit\(numerics == 1 ? "y" : "ies") XML does not define decoded")
        }
        return out
    }

    /// Whether the `&` at `at` starts a reference libxml2 reads as it is (`&amp;`, `&#233;`): nothing to repair.
    static func isWellFormedReference(_ b: UnsafeBufferPointer<UInt8>, at: Int) -> Bool {
        if case .fine = classify(b, at) { return true }
        return false
    }

    private enum Reference {
        case fine
        case escape
        case named(Int, Int)  // the name's byte range
    }

    private static func classify(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> Reference {
        var i = at + 1
        guard i < b.count else { return .escape }
        if b[i] == 0x23 {  // '#'
            i += 1
            var hex = false
            if i < b.count, b[i] | 0x20 == 0x78 {
                hex = true
                i += 1
            }
            let s = i
            while i < b.count, i - s < 10,
                FeedDate.isDigit(b[i]) || (hex && (b[i] | 0x20) &- 0x61 < 6)
            {
                i += 1
            }
            return i > s && i < b.count && b[i] == 0x3B ? .fine : .escape
        }
        let s = i
        guard FeedDate.isLetter(b[i]) || b[i] == 0x5F || b[i] == 0x3A else { return .escape }
        while i < b.count, i - s < 40 {
            let c = b[i]
            guard FeedDate.isLetter(c) || FeedDate.isDigit(c) || c == 0x5F || c == 0x3A || c == 0x2D || c == 0x2E
            else { break }
            i += 1
        }
        guard i < b.count, b[i] == 0x3B else { return .escape }
        switch i - s {
        case 2:
            if (b[s] == 0x6C || b[s] == 0x67) && b[s + 1] == 0x74 { return .fine }  // lt gt
        case 3:
            if b[s] == 0x61 && b[s + 1] == 0x6D && b[s + 2] == 0x70 { return .fine }  // amp
        case 4:
            if b[s] == 0x71 && b[s + 1] == 0x75 && b[s + 2] == 0x6F && b[s + 3] == 0x74 { return .fine }  // quot
            if b[s] == 0x61 && b[s + 1] == 0x70 && b[s + 2] == 0x6F && b[s + 3] == 0x73 { return .fine }  // apos
        default: break
        }
        return .named(s, i)
    }

    /// The code point of an HTML 4 named entity (libxml2's table), or `nil`.
    private static func htmlEntityValue(_ name: [UInt8]) -> UInt32? {
        var z = name
        z.append(0)
        guard let desc = z.withUnsafeBufferPointer({ htmlEntityLookup($0.baseAddress) }) else { return nil }
        return UInt32(desc.pointee.value)
    }
}

/// Byte ranges of a document where `&` is not markup: CDATA sections, comments, PIs and the DOCTYPE.
struct LiteralRegions {
    private var ranges: [Range<Int>] = []
    /// Entity names the internal subset declares (left for libxml2 to report, not rewritten).
    private(set) var declaredEntities: Set<[UInt8]> = []

    init(_ b: UnsafeBufferPointer<UInt8>) {
        guard let base = b.baseAddress else { return }
        var p = 0
        while p < b.count {
            guard let hit = memchr(base + p, 0x3C, b.count - p) else { break }
            let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            p = at + 1
            if Self.starts(b, at, "<![CDATA[") {
                let end = Self.find(b, "]]>", from: at + 9) ?? b.count
                ranges.append(at..<end)
                p = end
            } else if Self.starts(b, at, "<!--") {
                let end = Self.find(b, "-->", from: at + 4) ?? b.count
                ranges.append(at..<end)
                p = end
            } else if Self.starts(b, at, "<?") {
                let end = Self.find(b, "?>", from: at + 2) ?? b.count
                ranges.append(at..<end)
                p = end
            } else if Self.starts(b, at, "<!DOCTYPE") || Self.starts(b, at, "<!doctype") {
                let end = doctypeEnd(b, at + 9)
                ranges.append(at..<end)
                collectEntityNames(UnsafeBufferPointer(rebasing: b[at..<end]))
                p = end
            }
        }
    }

    func contains(_ offset: Int) -> Bool {
        var lo = 0
        var hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].contains(offset)
    }

    /// Whether `s` occurs in `b` at `at`.
    static func starts(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard at + n <= b.count else { return false }
        let p = s.utf8Start
        for k in 0..<n where b[at + k] != p[k] { return false }
        return true
    }

    /// The index after the first `s` in `b` from `from`, or `nil`.
    static func find(_ b: UnsafeBufferPointer<UInt8>, _ s: StaticString, from: Int) -> Int? {
        guard let base = b.baseAddress else { return nil }
        let first = s.utf8Start[0]
        var p = from
        while p < b.count {
            guard let hit = memchr(base + p, Int32(first), b.count - p) else { return nil }
            let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if Self.starts(b, at, s) { return at + s.utf8CodeUnitCount }
            p = at + 1
        }
        return nil
    }

    /// The end of a DOCTYPE: its `>`, or past the `]>` of an internal subset.
    private func doctypeEnd(_ b: UnsafeBufferPointer<UInt8>, _ from: Int) -> Int {
        var i = from
        while i < b.count {
            if b[i] == 0x3E { return i + 1 }
            if b[i] == 0x5B {  // '[': the internal subset; quoted '>' and ']' may occur inside
                var quote: UInt8 = 0
                i += 1
                while i < b.count {
                    let c = b[i]
                    if quote != 0 {
                        if c == quote { quote = 0 }
                    } else if c == 0x22 || c == 0x27 {
                        quote = c
                    } else if c == 0x5D {
                        break
                    }
                    i += 1
                }
            }
            i += 1
        }
        return b.count
    }

    private mutating func collectEntityNames(_ b: UnsafeBufferPointer<UInt8>) {
        let key = Array("<!ENTITY".utf8)
        var i = 0
        while i + key.count < b.count {
            if b[i] == 0x3C, Array(b[i..<(i + key.count)]) == key {
                var j = i + key.count
                while j < b.count, FeedDate.isSpace(b[j]) { j += 1 }
                if j < b.count, b[j] == 0x25 {  // a parameter entity
                    i = j
                    continue
                }
                let s = j
                while j < b.count, !FeedDate.isSpace(b[j]) { j += 1 }
                declaredEntities.insert(Array(b[s..<j]))
                i = j
            } else {
                i += 1
            }
        }
    }
}
