import Foundation
import NewswatchCore
import NewswatchTestSupport

@testable import NewswatchStore

/// A store in a fresh temp directory, plus helpers to build batches with explicit times.
struct StoreTestKit {
    let dir: TemporaryDirectory
    var path: String { dir.file("state/newswatch.sqlite").path }
    /// 2026-11-24T12:00:00Z, the tests' "now".
    static let t0 = Timestamp.date(year: 2026, month: 11, day: 24, hour: 12)

    init() throws { dir = try TemporaryDirectory(prefix: "newswatch-store") }

    func open() throws -> SQLiteStore { try SQLiteStore(path: path) }

    static func at(hours: Double) -> Date { t0.addingTimeInterval(hours * 3600) }

    static let topics = [
        TopicDefinition(id: "gaza", name: "Gaza", query: "gaza", priority: .high),
        TopicDefinition(id: "israel", name: "Israel", query: "israel"),
        TopicDefinition(id: "quiet", name: "Digest only", query: "ceasefire", alert: false),
    ]

    /// Matches a topic when its query word occurs in the title or summary (case-insensitive).
    static let matcher: @Sendable (ParsedItem) -> [TopicMatch] = { item in
        var out: [TopicMatch] = []
        for topic in topics {
            var terms: [MatchedTerm] = []
            if (item.title ?? "").lowercased().contains(topic.query) {
                terms.append(MatchedTerm(term: topic.query, field: .title))
            } else if (item.summary ?? "").lowercased().contains(topic.query) {
                terms.append(MatchedTerm(term: topic.query, field: .summary))
            }
            if !terms.isEmpty { out.append(TopicMatch(topicID: topic.id, terms: terms)) }
        }
        return out
    }

    static func feed(_ n: Int) -> FeedDescriptor {
        FeedDescriptor(key: "https://feed\(n).example/rss", name: "Feed \(n)", url: "https://feed\(n).example/rss")
    }

    static func batch(
        feed: FeedDescriptor = feed(1), at time: Date, items: [ParsedItem], backfill: TimeInterval = 6 * 3600,
        sinks: [SinkRoute] = [.file, SinkRoute(id: "webhook")], etag: String? = nil, bodyHash: String? = nil
    ) -> IngestBatch {
        IngestBatch(
            feed: feed, fetchedAt: time, httpStatus: 200, validators: HTTPValidators(etag: etag),
            bodyHash: bodyHash, items: items, topics: topics, sinks: sinks, backfill: backfill, matcher: matcher)
    }

    static func item(
        _ id: String?, _ title: String, link: String? = nil, published: Date? = nil, summary: String? = nil
    ) -> ParsedItem {
        ParsedItem(id: id, title: title, link: link, published: published, summary: summary)
    }
}
