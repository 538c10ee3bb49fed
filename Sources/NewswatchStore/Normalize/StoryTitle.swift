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
public struct StoryTitle: Sendable, Equatable {
    /// Distinct normalised, stemmed words (function words removed), sorted.
    public let words: [String]
    /// Hashes of `words`, sorted, for fast intersection.
    let hashes: [UInt64]
    /// Hashes of the words that are numbers (`12`, `2026`).
    let numberHashes: [UInt64]

    /// Jaccard threshold as a fraction: similarity ≥ `thresholdNumerator / thresholdDenominator` joins.
    public static let thresholdNumerator = 7
    public static let thresholdDenominator = 10
    /// Titles with fewer words than this never join by title (too generic: "Live updates", "World news").
    public static let minimumTokens = 3

    public init(_ title: String) {
        var set = Set<String>()
        for word in StoryTitle.normalizedText(title).split(separator: " ") {
            let w = String(word)
            if StoryTitle.stopwords.contains(w) { continue }
            set.insert(StoryTitle.stem(w))
        }
        words = set.sorted()
        var hs: [UInt64] = []
        var nums: [UInt64] = []
        hs.reserveCapacity(words.count)
        for w in words {
            let h = StoryTitle.hash(w)
            hs.append(h)
            if w.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { nums.append(h) }
        }
        hashes = hs.sorted()
        numberHashes = nums.sorted()
    }

    /// Jaccard similarity of the two word sets (0 when either is empty).
    public func similarity(to other: StoryTitle) -> Double {
        let inter = StoryTitle.intersectionCount(hashes, other.hashes)
        let union = hashes.count + other.hashes.count - inter
        return union == 0 ? 0 : Double(inter) / Double(union)
    }

    /// Whether the two titles tell the same story (see the type's documentation).
    public func isSameStory(as other: StoryTitle) -> Bool {
        guard hashes.count >= StoryTitle.minimumTokens, other.hashes.count >= StoryTitle.minimumTokens else {
            return false
        }
        let inter = StoryTitle.intersectionCount(hashes, other.hashes)
        let union = hashes.count + other.hashes.count - inter
        guard inter * StoryTitle.thresholdDenominator >= union * StoryTitle.thresholdNumerator else { return false }
        if !numberHashes.isEmpty, !other.numberHashes.isEmpty,
            StoryTitle.intersectionCount(numberHashes, other.numberHashes) == 0
        {
            return false
        }
        return true
    }

    /// How many of this title's words a candidate must be found through so that no title with similarity at or
    /// above the threshold is missed (prefix filtering: probe the `count − ⌈t·count⌉ + 1` rarest words).
    var probeCount: Int {
        let n = hashes.count
        let needed = (n * StoryTitle.thresholdNumerator + StoryTitle.thresholdDenominator - 1)
            / StoryTitle.thresholdDenominator
        return max(1, n - needed + 1)
    }

    static func intersectionCount(_ a: [UInt64], _ b: [UInt64]) -> Int {
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

    static func hash(_ word: String) -> UInt64 {
        var s = word
        return s.withUTF8 { ContentHash.murmur3x64(UnsafeRawBufferPointer($0), seed: 0x7469_746c).0 }
    }

    /// Lowercased, diacritics folded, `.`/apostrophes removed, every other non-alphanumeric run → one space, trimmed.
    public static func normalizedText(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        func emit(_ bytes: some Sequence<UInt8>) {
            if pendingSpace && !out.isEmpty { out.append(32) }
            pendingSpace = false
            out.append(contentsOf: bytes)
        }
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            for b in text.utf8 {
                switch b {
                case 65...90: emit(CollectionOfOne(b + 32))
                case 97...122, 48...57: emit(CollectionOfOne(b))
                case 46, 39: continue  // '.' and '\'' join: U.S. → us
                default: pendingSpace = true
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            let props = scalar.properties
            switch props.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue
            default:
                break
            }
            if scalar == "." || scalar == "'" || scalar == "\u{2019}" || scalar == "\u{2018}" || scalar == "\u{02BC}" {
                continue
            }
            if props.isAlphabetic || props.numericType == .decimal {
                emit(props.lowercaseMapping.utf8)
            } else {
                pendingSpace = true
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func stem(_ w: String) -> String {
        let u = Array(w.utf8)
        let n = u.count
        func ends(_ s: String) -> Bool { let x = Array(s.utf8); return n >= x.count && Array(u[(n - x.count)...]) == x }
        if n > 4 && ends("ing") { return String(decoding: u[..<(n - 3)], as: UTF8.self) }
        if n > 3 && ends("ed") { return String(decoding: u[..<(n - 2)], as: UTF8.self) }
        if n > 3 && ends("es"), [UInt8(ascii: "s"), UInt8(ascii: "x"), UInt8(ascii: "z"), UInt8(ascii: "h")]
            .contains(u[n - 3])
        {
            return String(decoding: u[..<(n - 2)], as: UTF8.self)
        }
        if n > 3 && ends("s") && !ends("ss") { return String(decoding: u[..<(n - 1)], as: UTF8.self) }
        return w
    }

    /// Words that say nothing about which story a headline tells.
    static let stopwords: Set<String> = [
        "a", "an", "the", "in", "on", "at", "of", "to", "for", "and", "or", "as", "by", "with", "from", "into", "onto",
        "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "after",
        "over", "amid", "between", "about", "s", "says", "say", "said", "will", "would", "has", "have", "had", "up",
        "out", "off", "than", "then", "but", "not", "no", "new", "how", "what", "why", "who", "when", "where",
        "report", "reports", "live", "update", "updates", "latest", "breaking", "news", "video", "watch", "photos",
    ]
}
