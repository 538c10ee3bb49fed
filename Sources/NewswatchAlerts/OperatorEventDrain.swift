import Foundation
import Logging
import NewswatchCore
import NewswatchStore
import NewswatchSystem

/// Delivers the operator-event outbox (CONTRACT §10): every event to `<output_dir>/events/YYYY-MM-DD.jsonl`
/// (the date of the event in the digest time zone) and to each sink whose `events` list its kind, with the
/// alerts' retry policy. A line whose `id` is already in its file is not written again, so a crash between the
/// write and the mark does not double it. Store calls and file writes run on the alert queue, not on the
/// cooperative pool.
package struct OperatorEventDrain: Sendable {
    /// `<output_dir>/events`.
    package let directory: URL
    package let timeZone: TimeZone
    package let store: any Store
    package let policy: SinkRetryPolicy
    package let logger: Logger

    package init(
        outputDirectory: URL, timeZone: TimeZone, store: any Store, policy: SinkRetryPolicy = SinkRetryPolicy(),
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

    /// Writes owed events to the events file, then delivers each sink's events due at `now`, the sinks at the same
    /// time; returns when every sink is done. `deadline` (`run --once`): an attempt still running then fails.
    package func drain(sinks: [ConfiguredSink], at now: Date, deadline: ContinuousClock.Instant? = nil) async throws {
        try await writeFile(at: now)
        await deliverAll(sinks: sinks, at: now, deadline: deadline)
    }

    /// Delivers each sink's events due at `now`, the sinks at the same time (one task per sink that asked for
    /// events); returns when every sink is done.
    package func deliverAll(sinks: [ConfiguredSink], at now: Date, deadline: ContinuousClock.Instant? = nil) async {
        await withTaskGroup(of: Void.self) { group in
            for sink in sinks where !sink.events.isEmpty {
                group.addTask { await deliver(to: sink, at: now, deadline: deadline) }
            }
        }
    }

    /// Writes every event owed to the events file and marks it written.
    package func writeFile(at now: Date) async throws {
        let owed = try await store.pendingEvents(sink: SinkRoute.fileSinkID, dueAt: nil, limit: 500)
        guard !owed.isEmpty else { return }
        // The append and its fsync block: off the cooperative pool.
        try await Offload.run(on: Offload.alertQueue) { [self] in try append(owed.map(\.event)) }
        try await store.markEventsDelivered(ids: owed.map(\.event.id), sink: SinkRoute.fileSinkID, at: now)
    }

    /// Delivers `sink`'s events due at `now`, oldest first. After a failed attempt the sink counts as down for the
    /// rest of the pass: its other due events are recorded failed with the same error without being tried, so a
    /// dead sink costs one attempt per pass, not one per event.
    package func deliver(to sink: ConfiguredSink, at now: Date, deadline: ContinuousClock.Instant? = nil) async {
        let (store, id) = (store, sink.id)
        let due: [PendingEvent]
        do {
            due = try await store.pendingEvents(sink: id, dueAt: now, limit: 100)
        } catch {
            logger.error("operator events: cannot read the outbox: \(error)", metadata: ["sink": "\(id)"])
            return
        }
        var sinkError: String?
        for pending in due {
            if sinkError == nil {
                guard !Task.isCancelled else { return }
                switch await SinkAttempt.deliver(.event(pending.event), to: sink.sink, deadline: deadline) {
                case .success:
                    await record(sink) {
                        try await store.markEventsDelivered(ids: [pending.event.id], sink: id, at: now)
                    }
                    continue
                case .failure(let error):
                    // Shut down, not the sink's fault: the event stays owed as it was.
                    guard !Task.isCancelled else { return }
                    sinkError = error.description
                }
            }
            await recordFailure(pending, sink: sink, error: sinkError ?? "", at: now)
        }
    }

    private func recordFailure(_ pending: PendingEvent, sink: ConfiguredSink, error: String, at now: Date) async {
        let next: Date? =
            switch policy.decide(firstAttempt: pending.event.at, failures: pending.attempts + 1, now: now) {
            case .retry(let at): at
            case .giveUp: nil
            }
        if next == nil {
            logger.error(
                "operator event given up", metadata: ["sink": "\(sink.sink.displayName)", "error": "\(error)"])
        }
        let (store, id) = (store, sink.id)
        await record(sink) {
            try await store.markEventFailed(id: pending.event.id, sink: id, at: now, error: error, nextAttempt: next)
        }
    }

    private func record(_ sink: ConfiguredSink, _ write: () async throws -> Void) async {
        do {
            try await write()
        } catch {
            logger.error("operator events: cannot record a delivery: \(error)", metadata: ["sink": "\(sink.id)"])
        }
    }

    /// The events file for an event raised at `at`.
    package func fileName(for at: Date) -> String {
        CivilDay(at, in: timeZone).text + ".jsonl"
    }

    private func append(_ events: [OperatorEvent]) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Daemons sharing one `output_dir` (CONTRACT §9) replace these files by read-and-rename: without the folder's
        // lock, two replacing one file at once would each drop the other's new lines.
        try FolderLock(directory: directory.path).withLock { try replaceFiles(events) }
    }

    /// Adds `events` missing from their files, each file replaced whole; call with the folder's lock held.
    private func replaceFiles(_ events: [OperatorEvent]) throws {
        for (name, events) in Dictionary(grouping: events, by: { fileName(for: $0.at) }) {
            // Events are few: the file is rewritten whole and atomically, so no crash leaves a torn line.
            let path = directory.appendingPathComponent(name).path
            let old = FileManager.default.contents(atPath: path) ?? Data()
            // Known by id, not by text: two events can read alike (two sinks failing on one host with one error).
            let written = Set(
                old.split(separator: UInt8(ascii: "\n")).compactMap { line in
                    ((try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any])?["id"] as? String
                })
            let fresh = events.filter { !written.contains($0.id) }.map(\.json.compact)
            guard !fresh.isEmpty else { continue }
            try AtomicFile.replace(path, with: old + Data((fresh.joined(separator: "\n") + "\n").utf8))
        }
    }
}
