import Foundation
import NewswatchCore
import NewswatchDigest

/// Digest data for tests: a realistic day in Asia/Jerusalem, and hostile variants of it.
enum DigestSamples {
    static let zone = TimeZone(identifier: "Asia/Jerusalem")!
    static let schedule = DigestSchedule(time: DigestTime("07:00")!, timeZone: zone)
    /// 2026-11-24 07:00 → 2026-11-25 07:00 local (05:00Z → 05:00Z).
    static let period = schedule.period(issuedOn: DigestDate("2026-11-25")!)

    static func at(_ text: String) -> Date { Timestamp.parse(text)! }

    static func source(_ feed: String, _ host: String, _ path: String, _ seen: String, title: String? = nil)
        -> DigestSource
    {
        DigestSource(
            feed: feed, feedURL: "https://\(host)/rss.xml", title: title, link: "https://\(host)/\(path)",
            firstSeen: at(seen), published: at(seen).addingTimeInterval(-300))
    }

    /// A day with three stories for `gaza` (one carried by three feeds), one for `us-israel`,
    /// an empty `lebanon` topic, two failing feeds and a silent one.
    static func day() -> DigestData {
        let ceasefire = DigestStory(
            id: "st-7f3a", alertID: "al-gaza-7f3a", title: "Ceasefire talks resume in Cairo as aid trucks enter Gaza",
            link: "https://news.example.org/world/ceasefire-talks",
            firstSeen: at("2026-11-24T16:03:12Z"), terms: ["Gaza", "ceasefire"],
            summary: "Negotiators from Egypt, Qatar and the United States met Hamas and Israeli delegations in Cairo "
                + "on Tuesday, as the first aid convoy in a week crossed at Kerem Shalom.",
            sources: [
                source("Example World", "news.example.org", "world/ceasefire-talks", "2026-11-24T16:03:12Z"),
                source(
                    "Daily Wire Service", "wire.example.com", "a/98231", "2026-11-24T16:20:00Z",
                    title: "Gaza truce talks resume in Cairo"),
                source("Levant Times", "levant.example.net", "gaza/ceasefire-cairo", "2026-11-24T17:45:00Z"),
            ])
        let rafah = DigestStory(
            id: "st-1b22", alertID: "al-gaza-1b22", title: "Rafah crossing reopens for medical evacuations",
            link: "https://levant.example.net/gaza/rafah-reopens", firstSeen: at("2026-11-25T02:10:00Z"),
            terms: ["Rafah", "Gaza Strip"],
            summary: "Dozens of patients left the Gaza Strip through Rafah overnight, health officials said.",
            sources: [
                source("Levant Times", "levant.example.net", "gaza/rafah-reopens", "2026-11-25T02:10:00Z"),
                source("Example World", "news.example.org", "world/rafah", "2026-11-25T03:00:00Z"),
            ])
        let strikes = DigestStory(
            id: "st-0c91", alertID: "al-gaza-0c91", title: "Strikes reported in central Gaza overnight",
            link: "https://wire.example.com/a/98302", firstSeen: at("2026-11-24T22:40:00Z"),
            terms: ["Gaza"], summary: nil,
            sources: [source("Daily Wire Service", "wire.example.com", "a/98302", "2026-11-24T22:40:00Z")])
        let shelters = DigestStory(
            id: "st-44d0", alertID: "al-gaza-44d0", title: "UN agency warns of winter shortages in Gaza shelters",
            link: "https://news.example.org/world/un-shelters", firstSeen: at("2026-11-24T09:15:00Z"),
            terms: ["Gaza"],
            summary: String(repeating: "Aid agencies describe crowded shelters and scarce fuel. ", count: 10),
            sources: [source("Example World", "news.example.org", "world/un-shelters", "2026-11-24T09:15:00Z")])
        let envoy = DigestStory(
            id: "st-9e10", alertID: "al-usisr-9e10", title: "U.S. envoy to meet Netanyahu on Gaza aid corridor",
            link: "https://wire.example.com/a/98277", firstSeen: at("2026-11-24T19:30:00Z"),
            terms: ["U.S.", "Netanyahu"],
            summary: "The White House said its envoy would press Israel on opening more crossings.",
            sources: [
                source("Daily Wire Service", "wire.example.com", "a/98277", "2026-11-24T19:30:00Z"),
                source("Capitol Report", "capitol.example.com", "2026/11/envoy", "2026-11-24T20:05:00Z"),
            ])
        let topics = [
            DigestTopic(
                id: "gaza", name: "Gaza", priority: .high, stories: [strikes, shelters, ceasefire, rafah],
                averageItemCount: 5.285714, averageStoryCount: 3.142857, period: period),
            DigestTopic(
                id: "us-israel", name: "U.S.–Israel relations", priority: .normal, stories: [envoy],
                averageItemCount: 3, averageStoryCount: 2, period: period),
            DigestTopic(id: "lebanon", name: "Lebanon", priority: .low, stories: [], period: period),
        ]
        let health = DigestFeedHealth(
            failed: [
                .init(
                    feed: "Capitol Report", url: "https://capitol.example.com/feed", failures: 2,
                    errors: [.init(message: "timed out after 30s", count: 2)], lastFailure: at("2026-11-25T01:10:00Z")),
                .init(
                    feed: "Old Gazette", url: "https://gazette.example.org/rss", failures: 6,
                    errors: [
                        .init(message: "HTTP 404 Not Found", count: 4), .init(message: "HTTP 410 Gone", count: 2),
                    ],
                    lastFailure: at("2026-11-25T04:30:00Z")),
            ],
            silent: [
                .init(
                    feed: "Harbour News", url: "https://harbour.example.com/atom",
                    lastNewItem: at("2026-11-20T08:00:00Z"))
            ])
        return DigestData(period: period, topics: topics, feedHealth: health)
    }

    /// Text a hostile feed might carry: markup, attribute breakouts, entities, Markdown syntax.
    static let hostileTexts = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "'><svg onload=alert(2)>",
        "</title></style></svg><iframe src=\"https://evil.example\">",
        "<!-- comment --><![CDATA[x]]>&lt;b&gt;&amp;",
        "**bold** _em_ [link](javascript:alert(3)) ![img](https://evil.example/x.png) `code` <https://evil.example>",
        "# Heading\n- list\n1. item\n> quote\n---",
    ]

    /// Links a hostile feed might carry; only the last is a web link (and is emitted, escaped).
    static let hostileLinks = [
        "javascript:alert(document.cookie)", " JAVASCRIPT:alert(1)", "data:text/html,<script>alert(1)</script>",
        "vbscript:x", "//evil.example/x", "https://ok.example/\"><script>alert(1)</script>?a=1&b='2'",
    ]

    /// The day's data with every feed-supplied string replaced by hostile text and every link by a hostile one.
    static func hostile() -> DigestData {
        rewritten(
            text: { hostileTexts[$0 % hostileTexts.count] + " #\($0)" }, link: { hostileLinks[$0 % hostileLinks.count] }
        )
    }

    /// The same shape as `hostile()` with harmless text: a web link where it has one, a non-web link elsewhere.
    static func benign() -> DigestData {
        rewritten(
            text: { "plain text \($0)" },
            link: {
                hostileLinks[$0 % hostileLinks.count].hasPrefix("https:") ? "https://ok.example/plain" : "ftp://x/\($0)"
            })
    }

    /// The day's data with every feed-supplied string (titles, summaries, terms, feed names, error messages, and topic names too)
    /// and link replaced, the `n`th by `text(n)` and `link(n)`.
    static func rewritten(text: (Int) -> String, link: (Int) -> String) -> DigestData {
        var data = day()
        var n = 0
        func nextText() -> String {
            n += 1
            return text(n)
        }
        func nextLink() -> String {
            n += 1
            return link(n)
        }
        for t in data.topics.indices {
            data.topics[t].name = nextText()
            for s in data.topics[t].stories.indices {
                data.topics[t].stories[s].title = nextText()
                data.topics[t].stories[s].summary = nextText()
                data.topics[t].stories[s].terms = [nextText(), nextText()]
                data.topics[t].stories[s].link = nextLink()
                for k in data.topics[t].stories[s].sources.indices {
                    data.topics[t].stories[s].sources[k].feed = nextText()
                    data.topics[t].stories[s].sources[k].title = nextText()
                    data.topics[t].stories[s].sources[k].link = nextLink()
                    data.topics[t].stories[s].sources[k].feedURL = nextLink()
                }
            }
        }
        for i in data.feedHealth.failed.indices {
            data.feedHealth.failed[i].feed = nextText()
            data.feedHealth.failed[i].url = nextLink()
            data.feedHealth.failed[i].errors = data.feedHealth.failed[i].errors.map {
                .init(message: nextText(), count: $0.count)
            }
        }
        for i in data.feedHealth.silent.indices {
            data.feedHealth.silent[i].feed = nextText()
            data.feedHealth.silent[i].url = nextLink()
        }
        return data
    }
}
