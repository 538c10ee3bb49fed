// A topic query as written in the config: parsed, printed and parsed again, compiled as a topic, matched.
import FuzzSupport
import NewswatchCore
import NewswatchMatch

/// The item every compiled query is matched against: one of each field, with words the dictionary also holds.
let item = MatchableItem(
    title: "Ceasefire talks in Cairo stall", summary: "Officials said the truce plan (phase 2) failed.",
    content: "Gaza, Rafah and Khan Younis: aid trucks wait at the border crossing.", feedName: "wire",
    feedTags: ["world", "mideast"], categories: ["Politics"])

LibFuzzer.run { data, size in
    let bytes = LibFuzzer.bytes(data, size)
    // Each of `(`, `-`, `:` and `NOT` can open one level of recursion in the parser. Nesting is bounded by the
    // fix for issue 19 item 8; until it lands, inputs that could nest deeper than the stack allows are skipped
    // so that the campaign looks for other bugs instead of re-finding that one.
    let openers = bytes.reduce(0) { $0 + ($1 == 0x28 || $1 == 0x2D || $1 == 0x3A || $1 == 0x4E ? 1 : 0) }
    guard openers <= 256 else { return -1 }
    let text = String(decoding: bytes, as: UTF8.self)
    guard let query = try? QueryParser.parse(text) else { return 0 }
    // The printed form is what `check-config` shows: it must parse again, to the same query.
    guard let again = try? QueryParser.parse(query.description), again == query else {
        fatalError("the canonical form \(query.description) does not parse back to the same query")
    }
    let topics = [
        TopicDefinition(id: "q", name: "query", query: text),
        TopicDefinition(id: "x", name: "exclude", query: "ceasefire OR aid", exclude: text),
    ]
    guard let matcher = try? TopicMatcher(topics: topics) else { return 0 }
    _ = matcher.match(item)
    return 0
}
