import Foundation

/// The single pass over UTF-8 that splits text into normalised words (the rules are in `TextNormalizer`).
///
/// ASCII and precomposed Latin letters are folded inline, byte by byte, with no allocation per word; only a word
/// holding other non-ASCII letters (Greek, Arabic, Hebrew, decomposed accents, compatibility forms) takes the
/// Foundation path (NFKD, case fold, strip marks, NFC). The two paths give the same result for the same word.
struct WordScanner {
    /// Calls `body` with each word's normalised UTF-8 bytes, whether it was written all in capitals, and whether
    /// it was dotted. The buffer is valid only during the call.
    static func scan(_ text: String, _ body: (UnsafeBufferPointer<UInt8>, Bool, Bool) -> Void) {
        var text = text
        text.withUTF8 { source in scan(source, body) }
    }

    // ASCII classes (literals, not `static let`: a global's lazy-initialisation check costs in the byte loop).
    private static var separator: UInt8 { 0 }
    private static var lower: UInt8 { 1 }
    private static var upper: UInt8 { 2 }
    private static var digit: UInt8 { 3 }
    private static var apostrophe: UInt8 { 4 }
    private static var dot: UInt8 { 5 }

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

    /// `classify` from a table for Latin-1 and Latin Extended (U+0080–U+024F) and General Punctuation
    /// (U+2000–U+206F: dashes, quotes, the right apostrophe), the non-ASCII characters of most Western text;
    /// others look up their general category.
    @inline(__always)
    static func classifyCached(_ scalar: Unicode.Scalar) -> ScalarClass {
        let v = scalar.value
        if v &- 0x80 < 0x250 - 0x80 { return latinClasses[Int(v &- 0x80)] }
        if v &- 0x2000 < 0x70 { return punctuationClasses[Int(v &- 0x2000)] }
        return classify(scalar)
    }

    private static let latinClasses: [ScalarClass] = (UInt32(0x80)..<0x250).map { classify(Unicode.Scalar($0)!) }
    private static let punctuationClasses: [ScalarClass] = (UInt32(0x2000)..<0x2070).map {
        classify(Unicode.Scalar($0)!)
    }

    /// Precomposed Latin letters (U+00C0–U+024F) whose fold is plain ASCII, or one other letter that folds to
    /// itself (`ø`, `ł`, `æ`): folded bytes, and case. A word of such letters folds letter by letter to what the
    /// Foundation path gives for the whole word: they decompose to a base letter and marks only, and the marks
    /// are dropped, so nothing composes across letters.
    private struct LatinFold {
        var bytes: [UInt8]
        var isUpper: Bool
        var isLower: Bool
    }

    private static var latinFoldBase: UInt32 { 0xC0 }
    private static let latinFold: [LatinFold?] = (latinFoldBase..<0x250).map { v in
        guard let scalar = Unicode.Scalar(v), classify(scalar) == .word else { return nil }
        let folded = foldSlow(String(Character(scalar)))
        let bytes = Array(folded.utf8)
        let asciiLetters = !bytes.isEmpty && bytes.allSatisfy { $0 < 0x80 && asciiKind($0) == lower }
        let stableLetter =
            folded.unicodeScalars.count == 1 && bytes.count <= 3 && bytes[0] >= 0x80
            && classify(folded.unicodeScalars.first!) == .word && foldSlow(folded) == folded
        guard asciiLetters || stableLetter else { return nil }
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
            case 0x00DF:
                scalars.append("s")
                scalars.append("s")
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
            let c = asciiKind(b)
            return c == lower || c == upper || c == digit
        }
        return isNonASCIIWordChar(s, i)
    }

    @inline(never)
    private static func isNonASCIIWordChar(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        classifyCached(decode(s, i).0) == .word
    }

    @inline(__always)
    private static func isASCIILetter(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        guard i < s.count, s[i] < 0x80 else { return false }
        let c = asciiKind(s[i])
        return c == lower || c == upper
    }

    static func scan(_ s: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, Bool, Bool) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bufferCapacity(for: s.count)) { buffer in
            var scanner = WordScanner(s, buffer: buffer)
            defer { scanner.release() }
            while scanner.next() { body(scanner.word, scanner.allCaps, scanner.dotted) }
        }
    }

    /// The word buffer a scanner over `count` source bytes needs: a Latin letter folds to at most 3 ASCII bytes
    /// from its 2 UTF-8 bytes.
    static func bufferCapacity(for count: Int) -> Int { count * 2 + 16 }

    // MARK: - The scanner

    private let s: UnsafeBufferPointer<UInt8>
    private var i = 0
    /// Where fast-path words are built (owned by the caller, `bufferCapacity` bytes).
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var length = 0
    /// Storage for a word from the Foundation path (rare), freed by `release()`.
    private var spill: UnsafeMutableBufferPointer<UInt8>?
    /// The current word's normalised bytes: valid after `next()` returned true, until the next call.
    private(set) var word = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    /// The current word was written with a capital and no lower-case letter.
    private(set) var allCaps = false
    /// The current word was single letters joined by dots.
    private(set) var dotted = false

    // State of the word being read.
    private var wordStart = -1  // source index of its first byte; -1: between words
    private var hasUpper = false
    private var hasLower = false
    private var isDotted = false
    private var slow = false  // holds a non-ASCII letter the Latin table does not fold
    private var segmentLetters = 0  // letters since the word's start or its last joining dot
    private var segmentIsLetters = true
    // Words the Foundation path produced from one source word, still to hand out.
    private var pending: [(bytes: [UInt8], allCaps: Bool, dotted: Bool)] = []
    private var pendingIndex = 0
    /// `pendingIndex < pending.count`, kept as one flag for the check at the top of every `next()`.
    private var hasPending = false

    init(_ source: UnsafeBufferPointer<UInt8>, buffer: UnsafeMutableBufferPointer<UInt8>) {
        s = source
        self.buffer = buffer
    }

    /// Frees the scanner's own storage; call once when done.
    mutating func release() {
        spill?.deallocate()
        spill = nil
    }

    @inline(__always)
    private mutating func append(_ b: UInt8) {
        buffer[length] = b
        length += 1
    }

    /// For an ASCII byte: a letter or a digit? (One bit of a 128-bit set.)
    @inline(__always)
    private static func isASCIIAlphanumeric(_ b: UInt8) -> Bool {
        let bits: UInt64 = b < 64 ? 0x03FF_0000_0000_0000 : 0x07FF_FFFE_07FF_FFFE
        return (bits >> UInt64(b & 63)) & 1 != 0
    }

    @inline(__always)
    private static func asciiKind(_ b: UInt8) -> UInt8 {
        if b &- 97 < 26 { return lower }
        if b &- 65 < 26 { return upper }
        if b &- 48 < 10 { return digit }
        if b == 0x27 { return apostrophe }
        if b == 0x2E { return dot }
        return separator
    }

    /// Advances to the next word; false at the end of the text.
    mutating func next() -> Bool {
        if hasPending { return popPending() }
        let n = s.count
        if wordStart < 0, let p = s.baseAddress {
            // The common shape first: ASCII separators (between words each is skipped, dots and apostrophes
            // too), a run of ASCII letters and digits, then the end or an ASCII separator other than a dot or an
            // apostrophe. Anything else continues in the loop below from the state reached.
            var k = i
            while k < n, p[k] < 0x80, !Self.isASCIIAlphanumeric(p[k]) { k &+= 1 }
            i = k
            if k < n, p[k] < 0x80 {
                begin()
                asciiRun()
                let end = i
                if end == n { return finish(n) }
                let b = p[end]
                if b < 0x80, b != 0x2E, b != 0x27 {
                    i = end &+ 1
                    return finish(end)
                }
            }
        }
        while i < n {
            let b = s[i]
            if b < 0x80 {
                if (b | 0x20) &- 97 < 26 || b &- 48 < 10 {
                    if wordStart < 0 { begin() }
                    asciiRun()
                    continue
                }
                let c = Self.asciiKind(b)
                if c == Self.dot, wordStart >= 0, segmentLetters == 1, segmentIsLetters,
                    Self.isASCIILetter(s, i + 1), !Self.isWordChar(s, i + 2)
                {
                    // `U.S.`: a single letter, a dot, a single letter: the same word.
                    isDotted = true
                    segmentLetters = 0
                    i += 1
                    continue
                }
                let end = i
                i = c == Self.apostrophe && wordStart >= 0 ? afterApostrophe(i, length: 1) : i + 1
                if finish(end) { return true }
                continue
            }
            if nonASCII() { return true }
        }
        return finish(n)
    }

    /// Reads the non-ASCII character at `i`; true when it ended a word that is ready in `word`.
    ///
    /// Kept out of `next()` so the ASCII path does not pay for the Unicode property types it needs.
    @inline(never)
    private mutating func nonASCII() -> Bool {
        let (u, len) = Self.decode(s, i)
        switch Self.classifyCached(u) {
        case .word:
            if wordStart < 0 { begin() }
            let v = u.value
            if v >= Self.latinFoldBase, v < 0x250, let fold = Self.latinFold[Int(v - Self.latinFoldBase)] {
                for b in fold.bytes { append(b) }
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
            i += len
            return false
        case .apostrophe:
            let end = i
            i = wordStart >= 0 ? afterApostrophe(i, length: len) : i + len
            return finish(end)
        case .ignorable:
            i += len
            return false
        case .separator:
            let end = i
            i += len
            return finish(end)
        }
    }

    /// Reads the run of ASCII letters and digits at `i` (most of most text): lower-cased into the word buffer, its
    /// case and digits noted once at the end. Eight bytes at a time while eight remain (most words take one
    /// step), then byte by byte.
    @inline(__always)
    private mutating func asciiRun() {
        let source = s.baseAddress!
        let out = buffer.baseAddress!
        let n = s.count
        var j = i
        var end = length
        // Per byte lane: 0x20 where a letter is lower-case (`lowerBits`) or a capital (`upperBits`).
        var lowerBits: UInt64 = 0
        var upperBits: UInt64 = 0
        var digitBits: UInt64 = 0
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        while n - j >= 8 {
            let x = UnsafeRawPointer(source + j).loadUnaligned(as: UInt64.self)
            let ascii = ~x & high
            let low7 = x & ~high
            let folded = low7 | 0x20 * ones
            // A lane's high bit after adding (0x80 - lo) is set when the byte is >= lo (no carry between lanes:
            // every lane is below 0x80 before the add and at most 0xCF after).
            let letter = (folded &+ (0x80 - 0x61) * ones) & ~(folded &+ (0x80 - 0x7B) * ones) & ascii
            let digit = (low7 &+ (0x80 - 0x30) * ones) & ~(low7 &+ (0x80 - 0x3A) * ones) & ascii
            let stop = ~(letter | digit) & high
            // Lanes before the first byte that is neither (little-endian: low lanes come first).
            let take = stop == 0 ? 8 : stop.trailingZeroBitCount >> 3
            let keep: UInt64 = take == 8 ? ~0 : (1 << UInt64(take << 3)) &- 1
            let caseLanes = (letter & keep) >> 2
            // The lanes past `take` are written too (the buffer has room) and then overwritten or ignored.
            UnsafeMutableRawPointer(out + end).storeBytes(of: x | caseLanes, as: UInt64.self)
            lowerBits |= x & caseLanes
            upperBits |= ~x & caseLanes
            digitBits |= digit & keep
            j += take
            end += take
            if take < 8 {
                finishRun(j, end, lowerBits != 0, upperBits != 0, digitBits != 0)
                return
            }
        }
        // Lower-case letters have bit 0x20 set, capitals do not: OR and AND over the letters tell both cases
        // apart without a branch per letter.
        var lettersOr: UInt8 = 0
        var lettersAnd: UInt8 = 0xFF
        var sawDigit = false
        while j < n {
            let c = source[j]
            let folded = c | 0x20
            if folded &- 97 < 26 {
                lettersOr |= c
                lettersAnd &= c
                out[end] = folded
            } else if c &- 48 < 10 {
                sawDigit = true
                out[end] = c
            } else {
                break
            }
            end &+= 1
            j &+= 1
        }
        finishRun(
            j, end, lowerBits != 0 || lettersOr & 0x20 != 0, upperBits != 0 || lettersAnd & 0x20 == 0,
            digitBits != 0 || sawDigit)
    }

    /// Notes a run read up to source index `j`, word-buffer index `end`.
    @inline(__always)
    private mutating func finishRun(_ j: Int, _ end: Int, _ sawLower: Bool, _ sawUpper: Bool, _ sawDigit: Bool) {
        segmentLetters &+= j &- i
        if sawDigit { segmentIsLetters = false }
        if sawUpper { hasUpper = true }
        if sawLower { hasLower = true }
        length = end
        i = j
    }

    private mutating func begin() {
        wordStart = i
        length = 0
        hasUpper = false
        hasLower = false
        isDotted = false
        slow = false
        segmentLetters = 0
        segmentIsLetters = true
    }

    /// After an apostrophe inside a word: skips a possessive `s`. Returns the index to continue at.
    private func afterApostrophe(_ i: Int, length: Int) -> Int {
        let j = i + length
        if j < s.count, s[j] == UInt8(ascii: "s") || s[j] == UInt8(ascii: "S"), !Self.isWordChar(s, j + 1) {
            return j + 1
        }
        return j
    }

    private mutating func popPending() -> Bool {
        guard pendingIndex < pending.count else { return false }
        let next = pending[pendingIndex]
        pendingIndex += 1
        hasPending = pendingIndex < pending.count
        if (spill?.count ?? 0) < next.bytes.count {
            spill?.deallocate()
            spill = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(64, next.bytes.count))
        }
        _ = spill!.initialize(from: next.bytes)
        word = UnsafeBufferPointer(rebasing: spill![0..<next.bytes.count])
        allCaps = next.allCaps
        dotted = next.dotted
        return true
    }

    /// Ends the word open before `end`, if any; true when a word is ready in `word`.
    private mutating func finish(_ end: Int) -> Bool {
        guard wordStart >= 0 else { return false }
        defer { wordStart = -1 }
        allCaps = hasUpper && !hasLower
        dotted = isDotted
        if !slow {
            word = UnsafeBufferPointer(start: buffer.baseAddress, count: length)
            return length > 0
        }
        return finishSlow(end)
    }

    /// Ends a word holding letters the inline fold does not cover: the Foundation path.
    @inline(never)
    private mutating func finishSlow(_ end: Int) -> Bool {
        var raw = String(decoding: UnsafeBufferPointer(rebasing: s[wordStart..<end]), as: UTF8.self)
        if isDotted { raw.removeAll { $0 == "." } }
        var folded = Self.foldSlow(raw)
        pending.removeAll(keepingCapacity: true)
        pendingIndex = 0
        // Folding can reveal separators (`½` → `1⁄2`): split again on them.
        folded.withUTF8 { f in
            var sub: [UInt8] = []
            var k = 0
            while k <= f.count {
                var isWord = false
                var len = 1
                if k < f.count {
                    if f[k] < 0x80 {
                        let c = Self.asciiKind(f[k])
                        isWord = c == Self.lower || c == Self.upper || c == Self.digit
                    } else {
                        let (u, l) = Self.decode(f, k)
                        isWord = Self.classify(u) == .word
                        len = l
                    }
                }
                if isWord {
                    sub.append(contentsOf: UnsafeBufferPointer(rebasing: f[k..<k + len]))
                } else if !sub.isEmpty {
                    pending.append((sub, allCaps, dotted))
                    sub = []
                }
                k += len
            }
        }
        return popPending()
    }
}
