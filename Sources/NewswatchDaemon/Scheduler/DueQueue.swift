import Foundation

/// Which feeds to fetch now: those due, oldest first, with at most `concurrency` fetches in flight and at most
/// `perHost` per host.
///
/// A value type owned by the scheduler loop; `take` marks feeds in flight, `finish` reschedules them.
public struct DueQueue<Feed: Hashable & Sendable>: Sendable {
    private struct Entry: Sendable {
        var due: Date
        var host: String?
        var inFlight: Bool
        var order: Int
    }

    public var concurrency: Int
    public var perHost: Int
    private var entries: [Feed: Entry] = [:]
    private var hostsInFlight: [String: Int] = [:]
    private var nextOrder = 0
    public private(set) var inFlightCount = 0

    public init(concurrency: Int, perHost: Int = 2) {
        self.concurrency = max(1, concurrency)
        self.perHost = max(1, perHost)
    }

    /// Number of feeds known (waiting or in flight).
    public var count: Int { entries.count }

    /// Adds a feed or moves its due time. A feed in flight keeps running; its `finish` sets the next due time.
    public mutating func schedule(_ feed: Feed, host: String?, at due: Date) {
        if var e = entries[feed] {
            e.due = due
            // A running fetch releases the host slot it took; the new host applies from the next start.
            if !e.inFlight { e.host = host?.lowercased() }
            entries[feed] = e
        } else {
            entries[feed] = Entry(due: due, host: host?.lowercased(), inFlight: false, order: nextOrder)
            nextOrder += 1
        }
    }

    /// Forgets a feed (removed from the config). If it is in flight, its slot is freed now.
    public mutating func remove(_ feed: Feed) {
        guard let e = entries.removeValue(forKey: feed) else { return }
        if e.inFlight { release(e) }
    }

    /// The feeds to start now, oldest due first; they are marked in flight.
    public mutating func take(at now: Date) -> [Feed] {
        guard inFlightCount < concurrency else { return [] }
        let due = entries.filter { !$0.value.inFlight && $0.value.due <= now }
            .sorted { $0.value.due != $1.value.due ? $0.value.due < $1.value.due : $0.value.order < $1.value.order }
        var started: [Feed] = []
        for (feed, entry) in due {
            guard inFlightCount < concurrency else { break }
            if let host = entry.host, hostsInFlight[host, default: 0] >= perHost { continue }
            entries[feed]!.inFlight = true
            inFlightCount += 1
            if let host = entry.host { hostsInFlight[host, default: 0] += 1 }
            started.append(feed)
        }
        return started
    }

    /// Marks a fetch finished and schedules the feed's next fetch. Unknown feeds (removed meanwhile) are ignored.
    public mutating func finish(_ feed: Feed, nextDue: Date) {
        guard var e = entries[feed] else { return }
        if e.inFlight {
            release(e)
            e.inFlight = false
        }
        e.due = nextDue
        entries[feed] = e
    }

    /// When the loop should wake to start more: the earliest due time of a waiting feed that could start then
    /// (its host has a free slot). `nil` when nothing could start before a running fetch finishes, or nothing
    /// is waiting. May be in the past: something is due now.
    public func nextWake() -> Date? {
        guard inFlightCount < concurrency else { return nil }
        return entries.values.lazy.filter { e in
            !e.inFlight && (e.host.map { hostsInFlight[$0, default: 0] < perHost } ?? true)
        }.map(\.due).min()
    }

    /// The due time of a feed that is waiting; `nil` if unknown or in flight.
    public func due(_ feed: Feed) -> Date? {
        guard let e = entries[feed], !e.inFlight else { return nil }
        return e.due
    }

    /// Whether a feed is being fetched.
    public func isInFlight(_ feed: Feed) -> Bool { entries[feed]?.inFlight ?? false }

    private mutating func release(_ e: Entry) {
        inFlightCount -= 1
        if let host = e.host {
            let n = hostsInFlight[host, default: 1] - 1
            hostsInFlight[host] = n > 0 ? n : nil
        }
    }
}
