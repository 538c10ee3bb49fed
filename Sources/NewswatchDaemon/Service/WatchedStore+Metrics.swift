import Foundation
import NewswatchCore
import NewswatchStore

extension WatchedStore {
    public func detectionDelays(firstSeenFrom from: Date, to: Date, backfill: TimeInterval) async throws
        -> [String: [TimeInterval]]
    {
        try await base.detectionDelays(firstSeenFrom: from, to: to, backfill: backfill)
    }
}

// Spikes and operator events, reported like every other store call.
extension WatchedStore {
    public func raiseSpikes(topics: [TopicDefinition], sinks: [SinkRoute], now: Date) async throws -> [Alert] {
        try await watch(write: true) { try await base.raiseSpikes(topics: topics, sinks: sinks, now: now) }
    }

    public func openIncidents() async throws -> [String: Date] {
        try await watch(write: false) { try await base.openIncidents() }
    }

    @discardableResult
    public func raiseEvent(_ event: OperatorEvent, subject: String, routes: [EventRoute]) async throws -> Bool {
        try await watch(write: true) { try await base.raiseEvent(event, subject: subject, routes: routes) }
    }

    public func closeIncident(subject: String) async throws {
        try await watch(write: true) { try await base.closeIncident(subject: subject) }
    }

    public func pendingEvents(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingEvent] {
        try await watch(write: false) { try await base.pendingEvents(sink: sink, dueAt: now, limit: limit) }
    }

    public func markEventsDelivered(ids: [String], sink: String, at time: Date) async throws {
        try await watch(write: true) { try await base.markEventsDelivered(ids: ids, sink: sink, at: time) }
    }

    public func markEventFailed(id: String, sink: String, at time: Date, error: String, nextAttempt: Date?)
        async throws
    {
        try await watch(write: true) {
            try await base.markEventFailed(id: id, sink: sink, at: time, error: error, nextAttempt: nextAttempt)
        }
    }

    public func failingSinks(owedSince: Date) async throws -> [FailingSink] {
        try await watch(write: false) { try await base.failingSinks(owedSince: owedSince) }
    }

    public func incidents() async throws -> [OpenIncident] {
        try await watch(write: false) { try await base.incidents() }
    }

    public func eventSinkSummaries() async throws -> [SinkSummary] {
        try await watch(write: false) { try await base.eventSinkSummaries() }
    }
}
