import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Operator events in the store (CONTRACT §10): one event per incident, across restarts, with its own outbox.
@Suite struct OperatorEventStoreTests {
    static func event(_ kind: OperatorEventKind, since: Date, at: Date) -> OperatorEvent {
        OperatorEvent(
            id: "\(kind.rawValue)-\(Int(since.timeIntervalSince1970))", kind: kind, feed: "Wire",
            url: "https://wire.example/rss", since: since, error: kind == .feedDown ? "HTTP 500" : nil, at: at)
    }

    @Test(arguments: StoreBackend.allCases)
    func oneEventPerIncidentAcrossRestartsAndPerSinkKinds(backend: StoreBackend) async throws {
        try await backend.withPlace { place in
            let routes = [EventRoute(id: "pager", kinds: [.feedDown]), EventRoute(id: "chat", kinds: [])]
            var store = try await place.openOutbox()
            let down = Self.event(.feedDown, since: Kit.t0, at: Kit.at(hours: 1))
            #expect(try await store.raiseEvent(down, subject: "feed:wire", routes: routes))
            #expect(
                try await !store.raiseEvent(down, subject: "feed:wire", routes: routes), "the incident is open already")
            store = try await place.openOutbox()
            #expect(try await store.openIncidents() == ["feed:wire": Kit.t0])
            #expect(
                try await !store.raiseEvent(
                    Self.event(.feedDown, since: Kit.t0, at: Kit.at(hours: 2)), subject: "feed:wire", routes: routes))
            let up = Self.event(.feedRecovered, since: Kit.t0, at: Kit.at(hours: 3))
            #expect(try await store.raiseEvent(up, subject: "feed:wire", routes: routes))
            #expect(try await !store.raiseEvent(up, subject: "feed:wire", routes: routes))
            #expect(try await store.openIncidents().isEmpty)

            #expect(try await store.pendingEvents(sink: "file", dueAt: nil, limit: 10).map(\.event) == [down, up])
            #expect(try await store.pendingEvents(sink: "pager", dueAt: nil, limit: 10).map(\.event) == [down])
            #expect(try await store.pendingEvents(sink: "chat", dueAt: nil, limit: 10).isEmpty)

            // The outbox: a failure waits for its next attempt; delivered is final; given up is final.
            try await store.markEventFailed(
                id: down.id, sink: "pager", at: Kit.at(hours: 4), error: "503", nextAttempt: Kit.at(hours: 5))
            #expect(try await store.pendingEvents(sink: "pager", dueAt: Kit.at(hours: 4.5), limit: 10).isEmpty)
            #expect(
                try await store.pendingEvents(sink: "pager", dueAt: Kit.at(hours: 5), limit: 10).map(\.attempts) == [1])
            try await store.markEventsDelivered(ids: [down.id, up.id], sink: "file", at: Kit.at(hours: 5))
            #expect(try await store.pendingEvents(sink: "file", dueAt: nil, limit: 10).isEmpty)
            try await store.markEventFailed(
                id: down.id, sink: "pager", at: Kit.at(hours: 30), error: "503", nextAttempt: nil)
            #expect(try await store.pendingEvents(sink: "pager", dueAt: nil, limit: 10).isEmpty)

            // Retention: finished events older than the cutoff go; nothing is owed any more.
            try await store.prune(now: Kit.at(hours: 24 * 40), retention: 30 * 86400, batchSize: 10)
            #expect(try await store.count("SELECT COUNT(*) FROM operator_events") == 0)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aSinkIsFailingWhenItsOldestOwedAlertFailedAndWaitedLongEnough(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            let alert = try await store.ingest(
                Kit.batch(
                    at: Kit.t0, items: [Kit.item("1", "Gaza one", link: "https://x.example/1", published: Kit.t0)])
            ).alerts[0]
            #expect(try await store.failingSinks(owedSince: Kit.at(hours: 2)).isEmpty, "never attempted: not failing")
            try await store.markFailed(
                alertID: alert.id, sink: "webhook", at: Kit.at(hours: 0.1), error: "HTTP 503",
                nextAttempt: Kit.at(hours: 0.2), giveUpAfter: 86400)
            #expect(try await store.failingSinks(owedSince: Kit.at(hours: -1)).isEmpty, "owed for less than the limit")
            #expect(
                try await store.failingSinks(owedSince: Kit.at(hours: 1)) == [
                    FailingSink(sink: "webhook", since: Kit.t0, error: "HTTP 503")
                ])
            try await store.markDelivered(alertIDs: [alert.id], sink: "webhook", at: Kit.at(hours: 1))
            #expect(try await store.failingSinks(owedSince: Kit.at(hours: 2)).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aHeldDeliveryIsFailingOnlyFeedDownAfterItMayFirstGo(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            // Detected at noon, held for a daily batch until midnight: it first fails at midnight.
            var batch = Kit.batch(at: Kit.t0, items: [Kit.item("1", "Israel budget vote")])
            batch.topics[1].delivery = TopicDelivery(mode: .batch, batchPeriod: 86_400)
            let alert = try #require(try await store.ingest(batch).alerts.first)
            let due = try #require(
                try await store.releasedDeliveries(sink: "webhook", at: Kit.at(hours: 24), attemptsDue: false, limit: 1)
                    .first?
                    .release?.notBefore)
            #expect(due > Kit.at(hours: 2))
            try await store.markFailed(
                alertID: alert.id, sink: "webhook", at: due, error: "HTTP 503", nextAttempt: due.addingTimeInterval(60),
                giveUpAfter: 86_400)
            // feed_down_after 1 h, a minute after its first failure: not failing yet, though detected 12 hours before.
            #expect(try await store.failingSinks(owedSince: due.addingTimeInterval(60 - 3600)).isEmpty)
            #expect(
                try await store.failingSinks(owedSince: due) == [
                    FailingSink(sink: "webhook", since: due, error: "HTTP 503")
                ])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anEventWhoseIDIsStoredAlreadyChangesNoIncident(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store async throws in
            let down = Self.event(.feedDown, since: Kit.t0, at: Kit.at(hours: 1))
            #expect(try await store.raiseEvent(down, subject: "feed:wire", routes: []))
            #expect(
                try await store.raiseEvent(
                    Self.event(.feedRecovered, since: Kit.t0, at: Kit.at(hours: 2)), subject: "feed:wire", routes: []))
            // The same id again (an id that does not tell incidents apart): no event, so no open incident either.
            #expect(try await !store.raiseEvent(down, subject: "feed:wire", routes: []))
            #expect(try await store.openIncidents().isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func statusSeesTheOpenIncidentsAndEachSinksEventOutbox(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let routes = [EventRoute(id: "pager", kinds: [.feedDown])]
            let down = Self.event(.feedDown, since: Kit.t0, at: Kit.at(hours: 1))
            try await store.raiseEvent(down, subject: "feed:wire", routes: routes)
            var failing = Self.event(.sinkFailing, since: Kit.at(hours: 0.5), at: Kit.at(hours: 1))
            failing.error = "HTTP 503"
            try await store.raiseEvent(failing, subject: "sink:pager", routes: routes)
            #expect(
                try await store.incidents() == [
                    OpenIncident(subject: "feed:wire", since: Kit.t0, error: "HTTP 500"),
                    OpenIncident(subject: "sink:pager", since: Kit.at(hours: 0.5), error: "HTTP 503"),
                ])
            try await store.markEventFailed(
                id: down.id, sink: "pager", at: Kit.at(hours: 30), error: "503", nextAttempt: nil)
            #expect(
                try await store.eventSinkSummaries() == [
                    SinkSummary(sink: "file", pending: 2, givenUp: 0),
                    SinkSummary(sink: "pager", pending: 0, givenUp: 1),
                ])
        }
    }
}
