import Foundation
import NewswatchConfig
import NewswatchCore
import NewswatchMatch
import NewswatchStore

/// `newswatch match --stored`: the config's current topics over the items already stored, against the topics each
/// matched when first seen (CONTRACT §8), so a query change is judged on real traffic before a reload.
public struct StoredBacktest: Sendable {
    /// One stored item that matches a topic now or matched one when first seen.
    public struct Line: Sendable, Equatable {
        public var item: StoredItem
        /// Topics matched now (of the reported ones), in configuration order.
        public var topics: [String]
        /// Topics matched when first seen (of the reported ones).
        public var storedTopics: [String]

        /// `{"title", "link", "feed", "first_seen", "topics", "stored_topics"}`.
        public var json: JSONValue {
            .object([
                ("title", .string(item.title)), ("link", .string(item.link)), ("feed", .string(item.feedName)),
                ("first_seen", .timestamp(item.firstSeen)), ("topics", .array(topics.map { .string($0) })),
                ("stored_topics", .array(storedTopics.map { .string($0) })),
            ])
        }
    }

    /// One topic's comparison.
    public struct TopicDelta: Sendable, Equatable {
        public var id: String
        public var kept: Int
        /// Items that match now and did not then.
        public var new: [StoredItem]
        /// Items that matched then and do not now.
        public var lost: [StoredItem]
    }

    /// The start of the window.
    public var since: Date
    /// Stored items first seen in the window.
    public var items: Int
    /// Of those, items stored before schema v3, re-matched on their title and stored summary only.
    public var partialText: Int
    public var topics: [TopicDelta]
    public var lines: [Line]

    /// Re-matches every item `store` first saw since `since` with `selection`, as the daemon would match it
    /// from its feed now (configured name and tags looked up by the stored feed key).
    public static func run(
        config: NewswatchConfig, store: any Store, selection: TopicSelection, since: Date
    ) async throws(TuningError) -> StoredBacktest {
        // No upper bound: an item the daemon stored this very second counts (the store keeps whole seconds).
        let stored = try await TuningStore.reading {
            try await store.storedItems(firstSeenFrom: since, to: .distantFuture)
        }
        let tags = StoredItem.feedTags(config)
        var deltas = selection.ids.map { TopicDelta(id: $0, kept: 0, new: [], lost: []) }
        var lines: [Line] = []
        for item in stored {
            let now = selection.matched(item.matchable(tags: tags))
            let then = Set(item.storedTopics).intersection(selection.ids)
            guard !now.isEmpty || !then.isEmpty else { continue }
            for (i, id) in selection.ids.enumerated() {
                switch (then.contains(id), now.contains(id)) {
                case (true, true): deltas[i].kept += 1
                case (false, true): deltas[i].new.append(item)
                case (true, false): deltas[i].lost.append(item)
                case (false, false): break
                }
            }
            lines.append(
                Line(
                    item: item, topics: selection.ids.filter(now.contains),
                    storedTopics: selection.ids.filter(then.contains)))
        }
        return StoredBacktest(
            since: since, items: stored.count, partialText: stored.filter { !$0.hasFullText }.count, topics: deltas,
            lines: lines)
    }

    /// `--json`: one line per item that matches now or matched then.
    public var jsonLines: String { lines.map { $0.json.compact + "\n" }.joined() }

    /// Per topic kept/new/lost counts, then the new and lost items' titles.
    public var text: String {
        var out = "\(items) stored items first seen since \(Timestamp.format(since))\n"
        let width = max(5, topics.map(\.id.count).max() ?? 0)
        func pad(_ s: String) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
        out += "\(pad("TOPIC"))  KEPT  NEW  LOST\n"
        for t in topics {
            out += "\(pad(t.id))  \(String(t.kept).padded(4))  \(String(t.new.count).padded(3))  \(t.lost.count)\n"
        }
        for t in topics {
            for (label, sign, list) in [("new", "+", t.new), ("lost", "-", t.lost)] where !list.isEmpty {
                out += "\n\(t.id): \(label) (\(list.count))\n"
                for item in list {
                    let title = Evaluation.oneLine(item.title ?? item.link ?? "(untitled)")
                    out += "  \(sign) \(title)  [\(Evaluation.oneLine(item.feedName))]\n"
                }
            }
        }
        if partialText > 0 {
            out +=
                "\nnote: \(partialText) items were stored before this newswatch kept their whole text; they are "
                + "matched on their title and stored summary only\n"
        }
        return out
    }
}

extension String {
    fileprivate func padded(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
