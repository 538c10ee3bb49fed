import Foundation
import NewswatchAlerts
import NewswatchCore
import NewswatchStore
import NewswatchTestSupport
import Testing

@testable import NewswatchDaemon

/// Topic batches through the dispatcher (CONTRACT §10), times injected: a batched topic's alerts wait for the end
/// of their period, go as one message, and a failed batch is retried whole, the same message, then never again.
@Suite(.timeLimit(.minutes(3)))
struct SinkDispatcherBatchTests {
    static let topics = [
        TopicDefinition(id: "gaza", name: "Gaza war", query: "gaza", priority: .high),
        TopicDefinition(
            id: "israel", name: "Israel", query: "israel", delivery: TopicDelivery(mode: .batch, batchPeriod: 900)),
    ]

    private func ingest(_ f: SinkDispatcherTests.Fixture, _ titles: [String], at time: Date, routes: [SinkRoute])
        throws
    {
        let batch = IngestBatch(
            feed: FeedDescriptor(key: "https://f.example/rss", name: "Example World", url: "https://f.example/rss"),
            fetchedAt: time, httpStatus: 200, bodyHash: nil,
            items: titles.map {
                ParsedItem(
                    id: $0, title: $0, link: "https://f.example/\($0.replacingOccurrences(of: " ", with: "-"))",
                    published: time, summary: "About \($0).")
            },
            topics: Self.topics, sinks: routes, backfill: 6 * 3600, matcher: SinkDispatcherTests.matcher)
        _ = try f.store.ingest(batch)
    }

    @Test func aBatchGoesAtTheEndOfItsPeriodAndIsRetriedWhole() async throws {
        let f = try SinkDispatcherTests.Fixture()
        defer { f.remove() }
        let calls = Counter()
        let server = try LoopbackHTTPServer.start { request in
            // The first batch attempt fails; everything else is accepted.
            request.bodyText.contains("\"kind\":\"batch\"") && calls.next() == 1 ? .status(500) : .ok("ok")
        }
        defer { server.stop() }
        let dispatcher = try f.dispatcher([SinkDispatcherTests.webhook(server.url("/hook"))])
        let id = dispatcher.sinks[0].id
        let t0 = SinkDispatcherTests.t0  // 12:00
        try ingest(f, ["Israel vote", "Gaza talks"], at: t0.addingTimeInterval(60), routes: dispatcher.routes)
        try ingest(f, ["Israel coalition"], at: t0.addingTimeInterval(300), routes: dispatcher.routes)

        // 12:05: the high-priority immediate alert goes; the batch waits for 12:15.
        _ = try await dispatcher.drainFileSink()
        let early = await dispatcher.drainSinks(at: t0.addingTimeInterval(300))[id]
        #expect(early?.delivered == 1)
        #expect(server.requests.count == 1 && server.requests[0].bodyText.contains("Gaza talks"))
        let due = try #require(await dispatcher.nextWake(sink: id, after: t0.addingTimeInterval(300)))
        #expect(due == t0.addingTimeInterval(900 + 10))  // the period's end and the grace for late commits

        // 12:15: one message for both Israel stories; it fails, and every row of it is retried together.
        let failed = await dispatcher.drainSinks(at: due)[id]
        #expect(failed?.failed == 2 && failed?.attempts == 1)
        #expect(server.requests.count == 2)
        let retry = try #require(await dispatcher.nextWake(sink: id, after: due))
        #expect(retry > due)
        let sent = await dispatcher.drainSinks(at: retry)[id]
        #expect(sent?.delivered == 2 && sent?.attempts == 1)
        #expect(server.requests.count == 3)
        #expect(server.requests[1].bodyText == server.requests[2].bodyText)
        let body = server.requests[2].bodyText
        #expect(body.contains("Israel vote") && body.contains("Israel coalition") && !body.contains("Gaza talks"))

        _ = await dispatcher.drainSinks(at: retry.addingTimeInterval(7200))
        #expect(server.requests.count == 3)
        #expect(try f.summary(id).pending == 0)
    }
}
