import Foundation

/// Which feeds to fetch now: those due, oldest first, with at most `concurrency` fetches in flight and at most
/// `perHost` per host.
///
/// A value type owned by the scheduler loop; `take` marks feeds in flight, `finish` reschedules them.
/// Due feeds wait in a binary heap (lazy deletion: a rescheduled or removed feed leaves a stale heap item that
/// is skipped). A due feed whose host is busy is parked with its host and returns to the heap when that host
/// frees a slot, so a host with hundreds of feeds costs nothing while it is saturated.
public struct DueQueue<Feed: Hashable & Sendable>: Sendable {
    private struct Entry: Sendable {
        var due: Date
        var host: String?
        var inFlight: Bool
        /// First-scheduled order: breaks ties between equal due times deterministically.
        var order: Int
        /// Bumped on every reschedule; heap items with an older version are stale.
        var version: Int
    }

    private struct Item: Sendable {
        var due: Date
        var order: Int
        var feed: Feed
        var version: Int

        func precedes(_ other: Item) -> Bool { due != other.due ? due < other.due : order < other.order }
    }

    public var concurrency: Int
    public var perHost: Int
    private var entries: [Feed: Entry] = [:]
    private var heap: [Item] = []
    private var parked: [String: [Item]] = [:]
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
            e.version += 1
            // A running fetch releases the host slot it took; the new host applies from the next start.
            if !e.inFlight { e.host = host?.lowercased() }
            entries[feed] = e
            if !e.inFlight { push(Item(due: due, order: e.order, feed: feed, version: e.version)) }
        } else {
            entries[feed] = Entry(due: due, host: host?.lowercased(), inFlight: false, order: nextOrder, version: 0)
            push(Item(due: due, order: nextOrder, feed: feed, version: 0))
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
        var started: [Feed] = []
        while inFlightCount < concurrency, let top = heap.first, top.due <= now {
            popTop()
            guard let e = entries[top.feed], e.version == top.version, !e.inFlight else { continue }
            if let host = e.host {
                if hostsInFlight[host, default: 0] >= perHost {
                    park(top, host: host)
                    continue
                }
                hostsInFlight[host, default: 0] += 1
            }
            entries[top.feed]!.inFlight = true
            inFlightCount += 1
            started.append(top.feed)
        }
        return started
    }

    /// Marks a fetch finished and schedules the feed's next fetch. Unknown feeds (removed meanwhile) are ignored.
    public mutating func finish(_ feed: Feed, nextDue: Date) {
        guard var e = entries[feed] else { return }
        let wasInFlight = e.inFlight
        e.inFlight = false
        e.due = nextDue
        e.version += 1
        entries[feed] = e
        push(Item(due: nextDue, order: e.order, feed: feed, version: e.version))
        if wasInFlight { release(e) }
    }

    /// When the loop should wake to start more: the earliest due time of a waiting feed whose host is not busy.
    /// `nil` when nothing could start before a running fetch finishes, or nothing is waiting. May be in the past:
    /// something is due now.
    public mutating func nextWake() -> Date? {
        guard inFlightCount < concurrency else { return nil }
        while let top = heap.first {
            if let e = entries[top.feed], e.version == top.version, !e.inFlight { return top.due }
            popTop()
        }
        return nil
    }

    /// The due time of a feed that is waiting; `nil` if unknown or in flight.
    public func due(_ feed: Feed) -> Date? {
        guard let e = entries[feed], !e.inFlight else { return nil }
        return e.due
    }

    /// Whether a feed is being fetched.
    public func isInFlight(_ feed: Feed) -> Bool { entries[feed]?.inFlight ?? false }

    // MARK: - Host slots

    private mutating func release(_ e: Entry) {
        inFlightCount -= 1
        guard let host = e.host else { return }
        let n = hostsInFlight[host, default: 1] - 1
        hostsInFlight[host] = n > 0 ? n : nil
        // The host has a free slot: its earliest parked feed that is still current goes back to the heap.
        while var waiting = parked[host], !waiting.isEmpty {
            let item = waiting.removeFirst()
            parked[host] = waiting.isEmpty ? nil : waiting
            if let current = entries[item.feed], current.version == item.version, !current.inFlight {
                push(item)
                break
            }
        }
    }

    /// Keeps a due feed aside until its host frees a slot, in (due, order) order.
    private mutating func park(_ item: Item, host: String) {
        var list = parked[host, default: []]
        var lo = 0
        var hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].precedes(item) { lo = mid + 1 } else { hi = mid }
        }
        list.insert(item, at: lo)
        parked[host] = list
    }

    // MARK: - Binary heap

    private mutating func push(_ item: Item) {
        heap.append(item)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].precedes(heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func popTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var m = i
            if l < heap.count, heap[l].precedes(heap[m]) { m = l }
            if r < heap.count, heap[r].precedes(heap[m]) { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
    }
}
