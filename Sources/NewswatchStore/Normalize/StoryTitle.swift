import Foundation

/// A headline reduced to the words that identify a story, and the rule that says two headlines are one story.
///
/// Normalisation: lowercase, diacritics folded, `.` and apostrophes dropped (`U.S.` → `us`, `Israel's` → `israels`
/// → stemmed like `israel`), other punctuation → spaces; English function words dropped; a light suffix stemmer
/// (`-ing`, `-ed`, `-es`, `-s`) so `reaches`/`reached`/`reach` agree.
///
/// Two titles are the same story when each has at least `minimumTokens` words, their word sets have a Jaccard
/// similarity of at least 7/10, and, where both carry numbers, they share one. The threshold is set by the tests in
/// `StoryTitleTests`: re-headlined wire copy scores 0.71–0.88 (joins); different events told with the same words
/// ("Israeli strike kills 12 in Rafah" / "… 30 in Khan Younis" 0.38, "… 12 in Rafah" / "… 12 in Jenin" 0.67) stay
/// apart. A missed alert costs an editor more than a second one, so the threshold errs towards keeping apart.
///
/// Only the word hashes are kept, not the headline: the story index holds one for every item of the last 48 hours
/// (issue 18: the text was a third of an entry's memory).
public struct StoryTitle: Sendable, Equatable {
    /// Hashes of the distinct normalised, stemmed content words, sorted, for fast intersection.
    let hashes: [UInt64]
    /// Hashes of the words that are numbers (`12`, `2026`), sorted.
    let numberHashes: [UInt64]

    /// Jaccard threshold as a fraction: similarity ≥ `thresholdNumerator / thresholdDenominator` joins.
    public static let thresholdNumerator = 7
    public static let thresholdDenominator = 10
    /// Titles with fewer words than this never join by title (too generic: "Live updates", "World news").
    public static let minimumTokens = 3

    public init(_ title: String) {
        self.init(normalized: StoryTitle.normalizedBytes(title))
    }

    /// The words of a title whose `normalizedBytes` the caller already has (`prepare()` needs them for the content
    /// key too).
    init(normalized: [UInt8]) {
        var hs: [UInt64] = []
        var nums: [UInt64] = []
        StoryTitle.forEachWord(in: normalized) { word, isNumber in
            let h = StoryTitle.hash(word)
            hs.append(h)
            if isNumber { nums.append(h) }
        }
        hashes = Array(Set(hs)).sorted()
        numberHashes = Array(Set(nums)).sorted()
    }

    /// The distinct normalised, stemmed content words of `title`, sorted (for explanations and tests).
    public static func words(of title: String) -> [String] {
        var set = Set<String>()
        StoryTitle.forEachWord(of: title) { word, _ in set.insert(String(decoding: word, as: UTF8.self)) }
        return set.sorted()
    }

    /// Calls `body` with each content word (stemmed, stopwords skipped) and whether it is a number.
    private static func forEachWord(of title: String, _ body: (ArraySlice<UInt8>, Bool) -> Void) {
        forEachWord(in: normalizedBytes(title), body)
    }

    private static func forEachWord(in bytes: [UInt8], _ body: (ArraySlice<UInt8>, Bool) -> Void) {
        var start = 0
        let n = bytes.count
        while start < n {
            var end = start
            while end < n && bytes[end] != 32 { end += 1 }
            let word = bytes[start..<end]
            start = end + 1
            if stopwordHashes.contains(hash(word)) { continue }
            let stemmed = stem(word)
            body(stemmed, stemmed.allSatisfy { $0 >= 48 && $0 <= 57 })
        }
    }

    /// Jaccard similarity of the two word sets (0 when either is empty).
    public func similarity(to other: StoryTitle) -> Double {
        hashes.withUnsafeBufferPointer { a in
            other.hashes.withUnsafeBufferPointer { b in StoryTitle.similarity(a, b) }
        }
    }

    /// Whether the two titles tell the same story (see the type's documentation).
    public func isSameStory(as other: StoryTitle) -> Bool {
        hashes.withUnsafeBufferPointer { a in
            numberHashes.withUnsafeBufferPointer { an in
                other.hashes.withUnsafeBufferPointer { b in
                    other.numberHashes.withUnsafeBufferPointer { bn in
                        StoryTitle.isSameStory(a, numbers: an, b, numbers: bn)
                    }
                }
            }
        }
    }

    // The rules on borrowed hashes: the story index keeps every entry's hashes in one shared array (issue 18).

    /// Jaccard similarity of two sorted hash sets (0 when either is empty).
    static func similarity(_ a: UnsafeBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>) -> Double {
        let inter = intersectionCount(a, b)
        let union = a.count + b.count - inter
        return union == 0 ? 0 : Double(inter) / Double(union)
    }

    /// `isSameStory(as:)` on two titles' sorted word hashes and number hashes.
    static func isSameStory(
        _ a: UnsafeBufferPointer<UInt64>, numbers an: UnsafeBufferPointer<UInt64>,
        _ b: UnsafeBufferPointer<UInt64>, numbers bn: UnsafeBufferPointer<UInt64>
    ) -> Bool {
        guard a.count >= minimumTokens, b.count >= minimumTokens else { return false }
        let inter = intersectionCount(a, b)
        let union = a.count + b.count - inter
        guard inter * thresholdDenominator >= union * thresholdNumerator else { return false }
        if !an.isEmpty, !bn.isEmpty, intersectionCount(an, bn) == 0 { return false }
        return true
    }

    /// How many of this title's words a candidate must be found through so that no title with similarity at or
    /// above the threshold is missed (prefix filtering: probe the `count − ⌈t·count⌉ + 1` rarest words).
    var probeCount: Int {
        let n = hashes.count
        let needed =
            (n * StoryTitle.thresholdNumerator + StoryTitle.thresholdDenominator - 1)
            / StoryTitle.thresholdDenominator
        return max(1, n - needed + 1)
    }

    static func intersectionCount(_ a: UnsafeBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>) -> Int {
        var i = 0
        var j = 0
        var n = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                n += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return n
    }

    static func hash(_ word: ArraySlice<UInt8>) -> UInt64 {
        word.withUnsafeBytes { ContentHash.murmur3x64($0, seed: 0x7469_746c).0 }
    }

    /// Lowercased, diacritics folded, `.`/apostrophes removed, every other non-alphanumeric run → one space, trimmed.
    public static func normalizedText(_ text: String) -> String {
        String(decoding: normalizedBytes(text), as: UTF8.self)
    }

    static func normalizedBytes(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { utf8 in
            var out: [UInt8] = []
            out.reserveCapacity(utf8.count)
            var pendingSpace = false
            // Bytes, not `unicodeScalars`: headlines are mostly ASCII, and decoding every scalar cost more than
            // the rest of the normalisation (issue 18). A valid string's lead byte says how many bytes follow.
            var i = 0
            let n = utf8.count
            while i < n {
                let b = utf8[i]
                if b < 0x80 {
                    i += 1
                    switch b {
                    case 65...90: emit(b + 32, &out, &pendingSpace)
                    case 97...122, 48...57: emit(b, &out, &pendingSpace)
                    case 46, 39: continue  // '.' and '\'' join: U.S. → us
                    default: pendingSpace = true
                    }
                    continue
                }
                var v: UInt32
                let length: Int
                if b < 0xE0 {
                    (v, length) = (UInt32(b & 0x1F), 2)
                } else if b < 0xF0 {
                    (v, length) = (UInt32(b & 0x0F), 3)
                } else {
                    (v, length) = (UInt32(b & 0x07), 4)
                }
                for k in 1..<length where i + k < n { v = v << 6 | UInt32(utf8[i + k] & 0x3F) }
                i += length
                fold(Unicode.Scalar(v) ?? "\u{FFFD}", &out, &pendingSpace)
            }
            return out
        }
    }

    /// The normalisation of one non-ASCII scalar.
    @inline(__always)
    private static func fold(_ scalar: Unicode.Scalar, _ out: inout [UInt8], _ pendingSpace: inout Bool) {
        switch folded(scalar) {
        case .join: return
        case .separator: pendingSpace = true
        case .text(let bytes):
            for b in bytes { emit(b, &out, &pendingSpace) }
        }
    }

    @inline(__always)
    private static func emit(_ b: UInt8, _ out: inout [UInt8], _ pendingSpace: inout Bool) {
        if pendingSpace && !out.isEmpty { out.append(32) }
        pendingSpace = false
        out.append(b)
    }

    enum Folded: Equatable {
        case join
        case separator
        case text([UInt8])
    }

    /// Latin letters with diacritics (U+00C0–U+024F) folded once, at first use, through canonical decomposition.
    private static let latinFolds: [Folded] = (0xC0...0x24F).map { v in
        foldSlow(Unicode.Scalar(UInt32(v))!)
    }

    static func folded(_ scalar: Unicode.Scalar) -> Folded {
        let v = Int(scalar.value)
        if v >= 0xC0 && v <= 0x24F { return latinFolds[v - 0xC0] }
        switch scalar {
        case "\u{2019}", "\u{2018}", "\u{02BC}": return .join  // typographic apostrophes
        default: break
        }
        if v < 0xC0 || (v >= 0x2000 && v <= 0x206F) { return .separator }  // Latin-1 symbols, dashes, quotes
        // Other scripts: no decomposition (rare in the feeds' Latin headlines, and costly per scalar).
        let props = scalar.properties
        switch props.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return .join
        default: break
        }
        if props.isAlphabetic || props.numericType == .decimal { return .text(Array(props.lowercaseMapping.utf8)) }
        return .separator
    }

    private static func foldSlow(_ scalar: Unicode.Scalar) -> Folded {
        var bytes: [UInt8] = []
        for s in String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars {
            let props = s.properties
            switch props.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: break
            }
            if props.isAlphabetic || props.numericType == .decimal {
                bytes.append(contentsOf: props.lowercaseMapping.utf8)
            } else {
                return bytes.isEmpty ? .separator : .text(bytes)
            }
        }
        return bytes.isEmpty ? .separator : .text(bytes)
    }

    /// Strips one of `-ing`, `-ed`, `-es` (after s/x/z/h), `-s` (not `-ss`); short words stay.
    static func stem(_ w: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let n = w.count
        let e = w.endIndex
        func ends(_ s: StaticString) -> Bool {
            let k = s.utf8CodeUnitCount
            guard n >= k else { return false }
            for i in 0..<k where w[e - k + i] != s.utf8Start[i] { return false }
            return true
        }
        if n > 4 && ends("ing") { return w.dropLast(3) }
        if n > 3 && ends("ed") { return w.dropLast(2) }
        if n > 3 && ends("es") {
            let c = w[e - 3]
            if c == UInt8(ascii: "s") || c == UInt8(ascii: "x") || c == UInt8(ascii: "z") || c == UInt8(ascii: "h") {
                return w.dropLast(2)
            }
        }
        if n > 3 && ends("s") && !ends("ss") { return w.dropLast(1) }
        return w
    }

    /// Words that say nothing about which story a headline tells.
    static let stopwordHashes: Set<UInt64> = Set(stopwords.map { hash(Array($0.utf8)[...]) })

    static let stopwords: Set<String> = [
        "a", "an", "the", "in", "on", "at", "of", "to", "for", "and", "or", "as", "by", "with", "from", "into", "onto",
        "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "after",
        "over", "amid", "between", "about", "via", "through", "across", "during", "against", "under", "near", "within",
        "s", "says", "say", "said", "will", "would", "has", "have", "had", "up",
        "out", "off", "than", "then", "but", "not", "no", "new", "how", "what", "why", "who", "when", "where",
        "report", "reports", "live", "update", "updates", "latest", "breaking", "news", "video", "watch", "photos",
    ]
}
