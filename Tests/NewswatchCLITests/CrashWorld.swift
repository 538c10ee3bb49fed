import Foundation
import NewswatchTestSupport

/// SplitMix64: a tiny seeded generator, so a failing crash run reproduces from its seed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Eight feeds whose documents are revealed generation by generation; what a feed serves depends only on the
/// current generation (set by the test), never on how often it was asked, so an uninterrupted run and a run killed
/// again and again see the same documents and must converge to the same alerts.
///
/// What the feeds do (all items dated shortly before `base`, within the default 6 h backfill unless noted):
/// - `wire`: new items every generation; its first document also holds three matching items three days old
///   (a first fetch stores them but must not alert them).
/// - `desk`: new items, plus copies of `wire`'s items of the previous generation under its own guids, with
///   tracking parameters on the same links (one story by link).
/// - `agency`: new items, plus `wire`'s headlines of two generations back on its own links (one story by title).
/// - `churn`: keeps its items but gives every item a new guid in every generation.
/// - `reuse`: one guid for every item it ever publishes.
/// - `republish`: new items, plus two of its own items of two generations back again, under new guids and dates.
/// - `flaky`: answers 500 in generations 2, 3 and 5; the items of those generations appear when it recovers.
/// - `big`: thirty new items every generation (long ingests and long alert appends, for the kills to land in).
///
/// A story carried by two feeds always reaches the second one in a later generation than the first, so which feed
/// names a story (and so the alert id) does not depend on the order in which one round's fetches finish.
final class CrashWorld: @unchecked Sendable {
    static let feedNames = ["wire", "desk", "agency", "churn", "reuse", "republish", "flaky", "big"]
    static let failingGenerations: Set<Int> = [2, 3, 5]

    struct Item {
        var guid: String?
        var title: String
        var link: String
        var published: Date
    }

    struct Document {
        var status: Int
        var body: String
        var etag: String
    }

    /// One answered request.
    struct Served {
        var life: Int
        var feed: String
        var status: Int
    }

    let generations: Int
    /// Headlines of the three-day-old items `wire` carries first (never to be alerted).
    private(set) var staleTitles: [String] = []
    /// Every headline some feed carries, by the feed that published it first.
    private(set) var titlesByFeed: [String: [String]] = [:]
    private let documents: [[Document]]  // [generation][feed]

    // Owner: `lock` guards the mutable state below; the handler runs on the server's connection threads.
    private let lock = NSLock()
    private var generation = 0
    private var life = 0
    private var served: [Served] = []

    init(seed: UInt64, base: Date, generations: Int) {
        self.generations = generations
        var rng = SeededRandom(seed: seed)
        var documents: [[Document]] = []
        var history: [String: [Item]] = [:]  // every item a feed ever carried, oldest first
        var wireByGeneration: [[Item]] = []
        var staleTitles: [String] = []
        var titlesByFeed: [String: [String]] = [:]

        func date(_ g: Int, _ i: Int) -> Date {
            base.addingTimeInterval(-Double(generations - g) * 300 - Double(i) * 7)
        }
        func headline(_ rng: inout SeededRandom) -> String {
            let keywords = ["Gaza", "Rafah", "markets", "stocks", "storm", "floods", "", ""]
            let syllables = [
                "ka", "lo", "mi", "ren", "tor", "vin", "sa", "pe", "du", "qua", "bel", "xi", "no", "fra", "gu", "zet",
            ]
            var words: [String] = []
            for _ in 0..<6 {
                words.append((0..<3).map { _ in syllables[Int(rng.next() % UInt64(syllables.count))] }.joined())
            }
            let keyword = keywords[Int(rng.next() % UInt64(keywords.count))]
            if !keyword.isEmpty { words.insert(keyword, at: Int(rng.next() % 4)) }
            // Now and then a second topic's word in the same headline: one story, two alerts.
            if rng.next() % 6 == 0 { words.append("storm") }
            let text = words.joined(separator: " ")
            return text.prefix(1).uppercased() + text.dropFirst()
        }

        for g in 0..<generations {
            var row: [Document] = []
            for feed in Self.feedNames {
                var fresh: [Item] = []
                let newCount = feed == "big" ? 30 : (feed == "wire" ? 6 : 4)
                for i in 0..<newCount {
                    let id = "\(feed)-\(g)-\(i)"
                    let title = headline(&rng)
                    titlesByFeed[feed, default: []].append(title)
                    let guid: String? =
                        switch feed {
                        case "reuse": "reuse-latest"
                        case "churn": nil  // set per generation below
                        default: id
                        }
                    fresh.append(
                        Item(
                            guid: guid, title: title, link: "https://\(feed).example/news/\(id)", published: date(g, i))
                    )
                }
                switch feed {
                case "wire":
                    wireByGeneration.append(fresh)
                    if g == 0 {
                        for i in 0..<3 {
                            let title = "Gaza " + headline(&rng)
                            staleTitles.append(title)
                            fresh.append(
                                Item(
                                    guid: "wire-stale-\(i)", title: title, link: "https://wire.example/archive/\(i)",
                                    published: base.addingTimeInterval(-3 * 86400 - Double(i))))
                        }
                    }
                case "desk" where g >= 1:
                    for (i, item) in wireByGeneration[g - 1].prefix(3).enumerated() {
                        fresh.append(
                            Item(
                                guid: "desk-copy-\(g)-\(i)", title: item.title,
                                link: item.link + "?utm_source=desk&utm_medium=rss", published: date(g, 10 + i)))
                    }
                case "agency" where g >= 2:
                    for (i, item) in wireByGeneration[g - 2].dropFirst(3).prefix(2).enumerated() {
                        fresh.append(
                            Item(
                                guid: "agency-copy-\(g)-\(i)", title: item.title,
                                link: "https://agency.example/story/\(g)-\(i)", published: date(g, 10 + i)))
                    }
                case "republish" where g >= 2:
                    let old = (history[feed] ?? []).filter { $0.link.contains("/republish-\(g - 2)-") }.prefix(2)
                    for (i, item) in old.enumerated() {
                        var again = item
                        again.guid = "republish-again-\(g)-\(i)"
                        again.published = date(g, 20 + i)
                        fresh.append(again)
                    }
                default:
                    break
                }
                history[feed, default: []].append(contentsOf: fresh)
                // Newest first, as feeds list them; older items leave the feed.
                var shown = Array(history[feed]!.suffix(feed == "big" ? 90 : 30).reversed())
                if feed == "churn" {
                    for i in shown.indices { shown[i].guid = "\(shown[i].link)#g\(g)" }
                }
                let body = Self.rss(feed, shown)
                let status = feed == "flaky" && Self.failingGenerations.contains(g) ? 500 : 200
                row.append(Document(status: status, body: body, etag: "\"\(Self.fnv(body))\""))
            }
            documents.append(row)
        }
        self.documents = documents
        self.staleTitles = staleTitles
        self.titlesByFeed = titlesByFeed
    }

    static func rss(_ feed: String, _ items: [Item]) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var text = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>\(feed)</title>\n"
        for item in items {
            let link = item.link.replacingOccurrences(of: "&", with: "&amp;")
            text += "<item><title>\(item.title)</title><link>\(link)</link>"
            if let guid = item.guid { text += "<guid isPermaLink=\"false\">\(guid)</guid>" }
            text += "<pubDate>\(formatter.string(from: item.published))</pubDate>"
            text += "<description>Reported by our correspondents.</description></item>\n"
        }
        return text + "</channel></rss>\n"
    }

    static func fnv(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return String(h, radix: 16)
    }

    func path(_ feed: String) -> String { "/feeds/\(feed).xml" }

    /// Reveals generation `g` to every request from now on.
    func reveal(_ g: Int) { lock.withLock { generation = g } }

    /// Requests from now on are counted for daemon life `n`.
    func beginLife(_ n: Int) { lock.withLock { life = n } }

    /// The life requests are counted for now.
    var currentLife: Int { lock.withLock { life } }

    /// What was answered during life `n`.
    func served(inLife n: Int) -> [Served] { lock.withLock { served.filter { $0.life == n } } }

    func handle(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        guard let feed = Self.feedNames.firstIndex(where: { path($0) == request.path }) else { return .status(404) }
        let name = Self.feedNames[feed]
        return lock.withLock {
            let doc = documents[generation][feed]
            let response: LoopbackHTTPServer.Response
            if doc.status != 200 {
                response = .status(doc.status)
            } else if request.header("If-None-Match") == doc.etag {
                response = .notModified(etag: doc.etag)
            } else {
                response = .ok(doc.body, headers: [("ETag", doc.etag)])
            }
            served.append(Served(life: life, feed: name, status: response.status))
            return response
        }
    }
}
