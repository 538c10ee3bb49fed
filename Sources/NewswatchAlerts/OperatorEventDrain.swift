import Foundation
import Logging
import NewswatchCore
import NewswatchStore
import NewswatchSystem

/// Delivers the operator-event outbox (CONTRACT §10): every event to `<output_dir>/events/YYYY-MM-DD.jsonl`
/// (the date of the event in the digest time zone) and to each sink whose `events` list its kind, with the
/// alerts' retry policy. A line already in its file is not written again (an event's kind, feed and `since` name
/// its incident), so a crash between the write and the mark does not double it.
package struct OperatorEventDrain: Sendable {
    /// `<output_dir>/events`.
    package let directory: URL
    package let timeZone: TimeZone
    package let store: SQLiteStore
    package let policy: SinkRetryPolicy
    package let logger: Logger

    package init(
        outputDirectory: URL, timeZone: TimeZone, store: SQLiteStore, policy: SinkRetryPolicy = SinkRetryPolicy(),
        logger: Logger
    ) {
        directory = outputDirectory.appendingPathComponent("events", isDirectory: true)
        self.timeZone = timeZone
        self.store = store
        self.policy = policy
        self.logger = logger
    }

    /// The routes a sink set asks for: each sink with a non-empty `events` list.
    package static func routes(_ sinks: [ConfiguredSink]) -> [EventRoute] {
        sinks.filter { !$0.events.isEmpty }.map { EventRoute(id: $0.id, kinds: $0.events) }
    }

    /// Writes owed events to the events file, then tries each sink's owed events that are due at `now`.
    package func drain(sinks: [ConfiguredSink], at now: Date) async throws {
        let owed = try store.pendingEvents(sink: SinkRoute.fileSinkID, dueAt: nil, limit: 500)
        if !owed.isEmpty {
            try append(owed.map(\.event))
            try store.markEventsDelivered(ids: owed.map(\.event.id), sink: SinkRoute.fileSinkID, at: now)
        }
        for sink in sinks where !sink.events.isEmpty {
            for pending in try store.pendingEvents(sink: sink.id, dueAt: now, limit: 100) {
                do {
                    try await sink.sink.deliver(.event(pending.event))
                    try store.markEventsDelivered(ids: [pending.event.id], sink: sink.id, at: now)
                } catch {
                    let next: Date? =
                        switch policy.decide(firstAttempt: pending.event.at, failures: pending.attempts + 1, now: now)
                        {
                        case .retry(let at): at
                        case .giveUp: nil
                        }
                    if next == nil {
                        logger.error(
                            "operator event given up",
                            metadata: ["sink": "\(sink.sink.displayName)", "error": "\(error)"])
                    }
                    try store.markEventFailed(
                        id: pending.event.id, sink: sink.id, at: now, error: "\(error)", nextAttempt: next)
                }
            }
        }
    }

    /// The events file for an event raised at `at`.
    package func fileName(for at: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: at)
        return String(format: "%04d-%02d-%02d.jsonl", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    private func append(_ events: [OperatorEvent]) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var byFile: [String: [String]] = [:]
        for event in events { byFile[fileName(for: event.at), default: []].append(event.json.compact) }
        for (name, lines) in byFile {
            // Events are few: the file is rewritten whole and atomically, so no crash leaves a torn line.
            let path = directory.appendingPathComponent(name).path
            let old = FileManager.default.contents(atPath: path) ?? Data()
            let existing = Set(old.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) })
            let fresh = lines.filter { !existing.contains($0) }
            guard !fresh.isEmpty else { continue }
            try AtomicFile.replace(path, with: old + Data((fresh.joined(separator: "\n") + "\n").utf8))
        }
    }
}
