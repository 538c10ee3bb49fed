// store-bench: what the SQLite store costs on the 2,000-feed corpus, without parsing, fetching or matching.
//
// Usage: store-bench CORPUS_DIR [--runs N] [--feeds N]
//   CORPUS_DIR from `python3 ../shared/bench/gen_corpus.py --feeds 2000 --seed 1 --out DIR`.
// Items are pulled out of the XML with a crude scanner (outside the timings); the store sees the same number of
// items, ids, links, titles, summaries and dates the real parser would give it. The matcher is a trivial closure
// (title contains "Gaza" or "Israel") so the figures are the store's own.
import BenchSupport
import Foundation
import NewswatchCore
import NewswatchStore

let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: store-bench CORPUS_DIR [--runs N]\n".utf8))
    exit(64)
}
let corpus = URL(fileURLWithPath: args[1])
var runs = 3
if let i = args.firstIndex(of: "--runs"), i + 1 < args.count, let n = Int(args[i + 1]) { runs = n }
var feedLimit = Int.max
if let i = args.firstIndex(of: "--feeds"), i + 1 < args.count, let n = Int(args[i + 1]) { feedLimit = n }

// MARK: Load the corpus (not timed)

let t0 = Measure.now()
let files = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".xml") }.sorted()
    .prefix(feedLimit)
var feeds: [(FeedDescriptor, [ParsedItem])] = []
for name in files {
    let data = try Data(contentsOf: corpus.appendingPathComponent(name))
    let items = CrudeFeedScanner.items(in: data)
    let key = "https://bench.example/\(name)"
    feeds.append((FeedDescriptor(key: key, name: name, url: key), items))
}
let itemCount = feeds.reduce(0) { $0 + $1.1.count }
let undatedCount = feeds.reduce(0) { $0 + $1.1.filter { $0.published == nil }.count }
let recentCount = feeds.reduce(0) { acc, f in
    acc + f.1.filter { ($0.published ?? .distantFuture) > Timestamp.date(year: 2025, month: 10, day: 26) }.count
}
print(String(format: "corpus: %d feeds, %d items (%d undated, %d dated within 48 h of the end), loaded in %.1f s (not timed below)",
    feeds.count, itemCount, undatedCount, recentCount, Measure.now() - t0))

// The corpus spans 2025-01-01 + 300 days; "now" is its end, so backfill and the 48 h story window see real dates.
let now = Timestamp.date(year: 2025, month: 10, day: 28)
let topics = [
    TopicDefinition(id: "gaza", name: "Gaza", query: "gaza", priority: .high),
    TopicDefinition(id: "israel", name: "Israel", query: "israel"),
]
let matcher: @Sendable (ParsedItem) -> [TopicMatch] = { item in
    let title = item.title ?? ""
    var out: [TopicMatch] = []
    if title.contains("Gaza") { out.append(TopicMatch(topicID: "gaza", terms: [MatchedTerm(term: "Gaza", field: .title)])) }
    if title.contains("Israel") {
        out.append(TopicMatch(topicID: "israel", terms: [MatchedTerm(term: "Israel", field: .title)]))
    }
    return out
}

func batch(_ feed: FeedDescriptor, _ items: [ParsedItem], at time: Date) -> IngestBatch {
    IngestBatch(
        feed: feed, fetchedAt: time, httpStatus: 200, validators: HTTPValidators(etag: "\"e\""), bodyHash: "h",
        items: items, topics: topics, sinks: [.file], backfill: 6 * 3600, matcher: matcher)
}

struct Figures {
    var cold: [Double] = []
    var coldCPU: [Double] = []
    var again: [Double] = []
    var changed: [Double] = []
    var notModified: [Double] = []
    var dbMiB: Double = 0
    var alerts = 0
}
var figures = Figures()

for run in 0..<runs {
    let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("store-bench-\(getpid())-\(run)")
    try? FileManager.default.removeItem(at: dir)
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = try SQLiteStore(path: dir.appendingPathComponent("newswatch.sqlite").path)

    // 1. Cold: every feed's first fetch, every item new.
    let us0 = userSystem()
    var c0 = Measure.cpuSeconds()
    var w0 = Measure.now()
    var alerts = 0
    for (feed, items) in feeds {
        alerts += try store.ingest(batch(feed, items, at: now)).alerts.count
    }
    figures.cold.append(Measure.now() - w0)
    figures.coldCPU.append(Measure.cpuSeconds() - c0)
    print(String(format: "  cold: user %.2f s, system %.2f s", userSystem().0 - us0.0, userSystem().1 - us0.1))
    figures.alerts = alerts

    // 2. Every feed again with the same items (a server that ignores validators and changes its body bytes).
    w0 = Measure.now()
    for (feed, items) in feeds { _ = try store.ingest(batch(feed, items, at: now.addingTimeInterval(600))) }
    figures.again.append(Measure.now() - w0)

    // 3. 5% of feeds changed: each gains 5 new items (and drops its 5 oldest); the rest answer 304.
    w0 = Measure.now()
    c0 = Measure.cpuSeconds()
    let t3 = now.addingTimeInterval(1200)
    for (i, (feed, items)) in feeds.enumerated() {
        if i % 20 == 0 {
            let fresh = (0..<5).map { k in
                ParsedItem(
                    id: "\(feed.key)#new\(k)", title: "Fresh report \(i)-\(k) on talks in Gaza and Israel",
                    link: "\(feed.key)/new/\(k)", published: t3, summary: "New item \(k).")
            }
            _ = try store.ingest(batch(feed, fresh + items.dropLast(5), at: t3))
        } else {
            try store.recordNoChange(NoChangeRecord(key: feed.key, at: t3, reason: .notModified, httpStatus: 304))
        }
    }
    figures.changed.append(Measure.now() - w0)

    // 4. All 304.
    w0 = Measure.now()
    let t4 = now.addingTimeInterval(1800)
    for (feed, _) in feeds {
        try store.recordNoChange(NoChangeRecord(key: feed.key, at: t4, reason: .notModified, httpStatus: 304))
    }
    figures.notModified.append(Measure.now() - w0)

    let attrs = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("newswatch.sqlite").path)
    let wal = (try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("newswatch.sqlite-wal").path)) ?? [:]
    figures.dbMiB = (Double((attrs[.size] as? Int) ?? 0) + Double((wal[.size] as? Int) ?? 0)) / 1_048_576
    print(String(format: "run %d: cold %.2f s (cpu %.2f s), same items again %.2f s, 5%% changed + 95%% 304 %.2f s, all 304 %.3f s",
        run + 1, figures.cold.last!, figures.coldCPU.last!, figures.again.last!, figures.changed.last!,
        figures.notModified.last!))
}

print(String(format: """
    medians of %d runs, %d feeds / %d items:
      cold ingest (all new, first fetch): %.2f s wall, %.2f s CPU, %.1f µs/item
      same items again (all known):       %.2f s
      5%% feeds changed (5 new items each) + 95%% 304 recorded: %.3f s
      all 304 recorded:                   %.3f s (%.0f µs/feed)
      alerts on the cold round (backfill 6h): %d
      database + WAL after the run: %.0f MiB; peak RSS %.0f MiB
    """, runs, feeds.count, itemCount, Measure.median(figures.cold), Measure.median(figures.coldCPU),
    Measure.median(figures.cold) / Double(itemCount) * 1e6, Measure.median(figures.again),
    Measure.median(figures.changed), Measure.median(figures.notModified),
    Measure.median(figures.notModified) / Double(feeds.count) * 1e6, figures.alerts, figures.dbMiB,
    Measure.peakRSSMiB()))

/// User and system CPU seconds so far (system time is where SQLite's writes and page faults show).
func userSystem() -> (Double, Double) {
    var ru = rusage()
    #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &ru)
    #else
        getrusage(RUSAGE_SELF, &ru)
    #endif
    return (
        Double(ru.ru_utime.tv_sec) + Double(ru.ru_utime.tv_usec) / 1e6,
        Double(ru.ru_stime.tv_sec) + Double(ru.ru_stime.tv_usec) / 1e6
    )
}
