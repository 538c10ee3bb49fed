import Foundation
import NewswatchCore
import NewswatchTestSupport
import PropertyBased
import Testing

@testable import NewswatchMatch

@Suite struct PropertyTests {
    private static let bareWords = [
        "Gaza", "Israel's", "Netanyahu", "US", "U.S.", "UN", "Israeli*", "ceasefire*", "US-Israel", "Khan-Younis",
        "Nétanyahu", "غزة", "עזה", "12:30", "o'clock", "hostage", "rafah", "White-House", "Zürich", "ΓΑΖΑ",
    ]
    private static let phrases = [
        "Gaza Strip", "White House", "OR", "NOT", "AND", "near", "U.S. envoy", "ab (c)", "ATLEAST/2",
    ]

    /// A random query tree in the parser's normal form (flattened AND/OR, valid NEAR sides and ATLEAST operands).
    private static func node(_ r: inout SplitMix, depth: Int) -> Query.Node {
        let choice = depth <= 0 ? r.below(2) : r.below(9)
        switch choice {
        case 0, 1: return term(&r)
        case 2:
            return .and(
                children(&r, depth: depth, excluding: { if case .and = $0 { return true } else { return false } }))
        case 3:
            return .or(
                children(&r, depth: depth, excluding: { if case .or = $0 { return true } else { return false } }))
        case 4: return .not(node(&r, depth: depth - 1))
        case 5: return .near(nearSide(&r), nearSide(&r), distance: r.below(30))
        case 6: return .field(r.pick(Query.Field.allCases), node(&r, depth: depth - 1))
        case 7: return .atLeast(nearSide(&r), count: 1 + r.below(5))
        default: return term(&r)
        }
    }

    private static func children(
        _ r: inout SplitMix, depth: Int, excluding: (Query.Node) -> Bool
    ) -> [Query.Node] {
        var out: [Query.Node] = []
        let n = 2 + r.below(3)
        while out.count < n {
            let child = node(&r, depth: depth - 1)
            if !excluding(child) { out.append(child) }
        }
        return out
    }

    private static func nearSide(_ r: inout SplitMix) -> Query.Node {
        switch r.below(4) {
        case 0: return .or([term(&r), term(&r)])
        case 1: return .field(r.pick(Query.Field.allCases), term(&r))
        default: return term(&r)
        }
    }

    private static func term(_ r: inout SplitMix) -> Query.Node {
        if r.below(3) == 0 { return .term(Query.Term(text: r.pick(phrases), isQuoted: true)) }
        let word = r.pick(bareWords)
        if word.hasSuffix("*") { return .term(Query.Term(text: String(word.dropLast()), isPrefix: true)) }
        return .term(Query.Term(text: word))
    }

    @Test func parseOfPrintIsIdentity() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...Int.max)) { seed in
            var r = SplitMix(state: UInt64(seed))
            let query = Query(root: Self.node(&r, depth: 4))
            let text = query.canonical
            let parsed = try QueryParser.parse(text)
            #expect(parsed == query, "\(text)")
            #expect(parsed.canonical == text)
        }
    }

    private static let alphabet: [Character] = Array(
        "aZ09 .'’‘-–—/\\éÉüßẞİıﬁ½℡ＧａÅ\u{0301}\u{00AD}\u{200B}غزةעַזָּהΓάζαςΣ\"(),;:!?_&"
    )

    @Test func normalisationIsIdempotent() async {
        await propertyCheck(count: 1000, input: Gen.element(of: Self.alphabet).array(of: 0...24)) { chars in
            let text = String(chars.compactMap { $0 })
            let once = TextNormalizer.normalize(text)
            #expect(
                TextNormalizer.normalize(once) == once, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    /// Changes case, diacritics and word separators in ways the contract says do not matter.
    private static func variant(_ text: String, _ r: inout SplitMix) -> String {
        let accents: [Character: [Character]] = [
            "a": ["á", "à", "ä", "â"], "e": ["é", "è", "ê", "ë"], "i": ["í", "ï"], "o": ["ó", "ö", "ô"],
            "u": ["ú", "ü"], "n": ["ñ"], "c": ["ç"],
        ]
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for i in words.indices {
            let w = words[i]
            let hasLower = w.contains { $0.isLowercase }
            if hasLower {
                // Never turn a word all-capitals: that would make `us` the acronym `US`.
                switch r.below(3) {
                case 0: words[i] = w.lowercased()
                case 1: words[i] = w.prefix(1).uppercased() + w.dropFirst().lowercased()
                default: break
                }
                if r.below(2) == 0 {
                    words[i] = String(words[i].map { c in accents[c].map { r.pick($0) } ?? c })
                }
            }
        }
        var out = ""
        for (i, w) in words.enumerated() {
            if i > 0 { out += r.pick([" ", " ", " – ", " — ", " / ", "  "]) }
            out += w.replacingOccurrences(of: "-", with: r.pick(["-", "–", "—", "/", " "]))
        }
        return out
    }

    @Test func caseDiacriticAndDashVariantsMatchTheSameTopics() async throws {
        let matcher = try DefaultTopics.matcher()
        let lines = try DefaultTopics.fixture("editorial-set.jsonl").split(separator: "\n")
        let items: [(String, String)] = try lines.map { line in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            return (o["title"] as? String ?? "", o["summary"] as? String ?? "")
        }
        await propertyCheck(count: 300, input: Gen.int(in: 0...Int.max)) { seed in
            var r = SplitMix(state: UInt64(seed))
            let (title, summary) = r.pick(items)
            let original = matcher.match(MatchableItem(title: title, summary: summary)).map(\.topicID)
            let t2 = Self.variant(title, &r)
            let s2 = Self.variant(summary, &r)
            let varied = matcher.match(MatchableItem(title: t2, summary: s2)).map(\.topicID)
            #expect(varied == original, "\(t2) | \(s2)")
        }
    }
}
