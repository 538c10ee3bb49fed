import Foundation

/// The single pass over UTF-8 that splits text into normalised words (the rules are in `TextNormalizer`).
///
/// ASCII and precomposed Latin letters are folded inline, byte by byte, with no allocation per word; only a word
/// holding other non-ASCII letters (Greek, Arabic, Hebrew, decomposed accents, compatibility forms) takes the
/// Foundation path (NFKD, case fold, strip marks, NFC). The two paths give the same result for the same word.
enum WordScanner {
    /// Calls `body` with each word's normalised UTF-8 bytes, whether it was written all in capitals, and whether
    /// it was dotted. The buffer is valid only during the call.
    static func scan(_ text: String, _ body: (UnsafeBufferPointer<UInt8>, Bool, Bool) -> Void) {
        var text = text
        text.withUTF8 { source in scan(source, body) }
    }

    // ASCII classes.
    private static let separator: UInt8 = 0
    private static let lower: UInt8 = 1
    private static let upper: UInt8 = 2
    private static let digit: UInt8 = 3
    private static let apostrophe: UInt8 = 4
    private static let dot: UInt8 = 5

    private static let asciiClass: [UInt8] = (0..<128).map { b -> UInt8 in
        switch UInt8(b) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return lower
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return upper
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit
        case UInt8(ascii: "'"): return apostrophe
        case UInt8(ascii: "."): return dot
        default: return separator
        }
    }

    /// How a non-ASCII scalar takes part in words.
    enum ScalarClass {
        case word, apostrophe, ignorable, separator
    }

    static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        switch scalar.value {
        case 0x2019, 0x2018, 0x02BC, 0xFF07: return .apostrophe
        case 0x200B, 0x2060: return .separator  // zero-width space and word joiner mark boundaries
        default: break
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            return .word
        case .format:
            return .ignorable
        default:
            return .separator
        }
    }

    /// Precomposed Latin letters (U+00C0–U+024F) whose fold is plain ASCII: folded bytes, and case.
    private struct LatinFold {
        var bytes: [UInt8]
        var isUpper: Bool
        var isLower: Bool
    }

    private static let latinFoldBase: UInt32 = 0xC0
    private static let latinFold: [LatinFold?] = (latinFoldBase..<0x250).map { v in
        guard let scalar = Unicode.Scalar(v), classify(scalar) == .word else { return nil }
        let folded = foldSlow(String(Character(scalar)))
        let bytes = Array(folded.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 < 0x80 && asciiClass[Int($0)] == lower }) else { return nil }
        return LatinFold(bytes: bytes, isUpper: scalar.properties.isUppercase, isLower: scalar.properties.isLowercase)
    }

    /// The full fold of one word's text: NFKD, lower case, NFKD again (lower-casing can compose), marks and format
    /// characters dropped, `ß` → `ss`, final sigma → sigma, Arabic tatweel dropped, then NFC.
    static func foldSlow(_ word: String) -> String {
        let decomposed = word.decomposedStringWithCompatibilityMapping.lowercased()
            .decomposedStringWithCompatibilityMapping
        var scalars = String.UnicodeScalarView()
        for u in decomposed.unicodeScalars {
            switch u.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: continue
            default: break
            }
            switch u.value {
            case 0x0640: continue
            case 0x00DF: scalars.append("s"); scalars.append("s")
            case 0x03C2: scalars.append(Unicode.Scalar(0x03C3)!)
            default: scalars.append(u)
            }
        }
        return String(scalars).precomposedStringWithCanonicalMapping
    }

    /// Decodes the scalar starting at `i` (the source is valid UTF-8: it came from a `String`).
    @inline(__always)
    private static func decode(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Unicode.Scalar, Int) {
        let b0 = UInt32(s[i])
        let n = s.count
        if b0 < 0xE0, i + 1 < n {
            let v = (b0 & 0x1F) << 6 | UInt32(s[i + 1] & 0x3F)
            return (Unicode.Scalar(v) ?? "\u{FFFD}", 2)
        } else if b0 < 0xF0, i + 2 < n {
            let v = (b0 & 0x0F) << 12 | UInt32(s[i + 1] & 0x3F) << 6 | UInt32(s[i + 2] & 0x3F)
            return (Unicode.Scalar(v) ?? "\u{FFFD}", 3)
        } else if i + 3 < n {
            let v =
                (b0 & 0x07) << 18 | UInt32(s[i + 1] & 0x3F) << 12 | UInt32(s[i + 2] & 0x3F) << 6
                | UInt32(s[i + 3] & 0x3F)
            return (Unicode.Scalar(v) ?? "\u{FFFD}", 4)
        }
        return ("\u{FFFD}", 1)
    }

    /// Is there a word character (letter, mark, digit) at `i`?
    @inline(__always)
    private static func isWordChar(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        guard i < s.count else { return false }
        let b = s[i]
        if b < 0x80 {
            let c = asciiClass[Int(b)]
            return c == lower || c == upper || c == digit
        }
        return classify(decode(s, i).0) == .word
    }

    @inline(__always)
    private static func isASCIILetter(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        guard i < s.count, s[i] < 0x80 else { return false }
        let c = asciiClass[Int(s[i])]
        return c == lower || c == upper
    }

    static func scan(_ s: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, Bool, Bool) -> Void) {
        var word: [UInt8] = []
        word.reserveCapacity(64)
        var wordStart = -1  // source index of the word's first byte; -1: no word open
        var hasUpper = false
        var hasLower = false
        var dotted = false
        var slow = false  // holds a non-ASCII letter the Latin table does not fold
        var segmentLetters = 0  // letters since the word's start or its last joining dot
        var segmentIsLetters = true

        func finish(_ end: Int) {
            defer {
                word.removeAll(keepingCapacity: true)
                wordStart = -1
                hasUpper = false
                hasLower = false
                dotted = false
                slow = false
                segmentLetters = 0
                segmentIsLetters = true
            }
            guard wordStart >= 0 else { return }
            let allCaps = hasUpper && !hasLower
            if !slow {
                if !word.isEmpty { word.withUnsafeBufferPointer { body($0, allCaps, dotted) } }
                return
            }
            var raw = String(decoding: UnsafeBufferPointer(rebasing: s[wordStart..<end]), as: UTF8.self)
            if dotted { raw.removeAll { $0 == "." } }
            var folded = foldSlow(raw)
            // Folding can reveal separators (`½` → `1⁄2`): split again on them.
            folded.withUTF8 { f in
                var sub: [UInt8] = []
                var i = 0
                while i <= f.count {
                    let isWord: Bool
                    let len: Int
                    if i == f.count {
                        isWord = false
                        len = 1
                    } else if f[i] < 0x80 {
                        let c = asciiClass[Int(f[i])]
                        isWord = c == lower || c == upper || c == digit
                        len = 1
                    } else {
                        let (u, l) = decode(f, i)
                        isWord = classify(u) == .word
                        len = l
                    }
                    if isWord {
                        sub.append(contentsOf: UnsafeBufferPointer(rebasing: f[i..<i + len]))
                    } else if !sub.isEmpty {
                        sub.withUnsafeBufferPointer { body($0, allCaps, dotted) }
                        sub.removeAll(keepingCapacity: true)
                    }
                    i += len
                }
            }
        }

        let n = s.count

        /// At an apostrophe inside a word: drops a possessive `'s`, else ends the word. Returns the next index.
        func apostropheAt(_ i: Int, length: Int) -> Int {
            let j = i + length
            if j < n, s[j] == UInt8(ascii: "s") || s[j] == UInt8(ascii: "S"), !isWordChar(s, j + 1) {
                finish(i)
                return j + 1
            }
            finish(i)
            return j
        }

        var i = 0
        while i < n {
            let b = s[i]
            if b < 0x80 {
                let c = asciiClass[Int(b)]
                if c == lower || c == upper || c == digit {
                    if wordStart < 0 { wordStart = i }
                    if c == upper {
                        hasUpper = true
                        word.append(b | 0x20)
                    } else {
                        if c == lower { hasLower = true }
                        word.append(b)
                    }
                    if c == digit { segmentIsLetters = false }
                    segmentLetters += 1
                    i += 1
                    continue
                }
                if c == dot, wordStart >= 0, segmentLetters == 1, segmentIsLetters, isASCIILetter(s, i + 1),
                    !isWordChar(s, i + 2)
                {
                    // `U.S.`: a single letter, a dot, a single letter: the same word.
                    dotted = true
                    segmentLetters = 0
                    i += 1
                    continue
                }
                if c == apostrophe {
                    if wordStart >= 0 { i = apostropheAt(i, length: 1) } else { i += 1 }
                    continue
                }
                finish(i)
                i += 1
                continue
            }
            let (u, len) = decode(s, i)
            switch classify(u) {
            case .word:
                if wordStart < 0 { wordStart = i }
                let v = u.value
                if v >= latinFoldBase, v < 0x250, let fold = latinFold[Int(v - latinFoldBase)] {
                    word.append(contentsOf: fold.bytes)
                    if fold.isUpper { hasUpper = true }
                    if fold.isLower { hasLower = true }
                } else {
                    slow = true
                    let p = u.properties
                    if p.isUppercase { hasUpper = true }
                    if p.isLowercase { hasLower = true }
                }
                segmentLetters += 1
                segmentIsLetters = false  // dotted acronyms are ASCII
            case .apostrophe:
                if wordStart >= 0 {
                    i = apostropheAt(i, length: len)
                    continue
                }
            case .ignorable:
                break
            case .separator:
                finish(i)
            }
            i += len
        }
        finish(n)
    }
}
