import Foundation
import NewswatchCore
import PostgresNIO

extension PostgresIngest {
    /// A feed that gives two different items of one document the same id cannot be trusted with ids.
    mutating func detectGuidReuse(_ incoming: [Incoming]) {
        guard !guidsUnreliable else { return }
        var identity: [String: String] = [:]
        for e in incoming {
            guard let guid = e.guid else { continue }
            let id = e.normLink ?? e.contentKey ?? e.revision
            if let previous = identity[guid], previous != id {
                guidsUnreliable = true
                return
            }
            identity[guid] = id
        }
    }

    static let knownColumns = "id, feed_id, guid, norm_link, content_key, revision, story_id, title"

    /// The stored items that may be the incoming ones: any feed's by link (another feed's only gives its story),
    /// this feed's by id and content key — one statement per key, the keys passed as arrays.
    mutating func loadKnown(_ incoming: [Incoming]) async throws {
        let links = Array(Set(incoming.compactMap(\.normLink)))
        if !links.isEmpty {
            for row in try await self.rows(
                "SELECT \(unescaped: Self.knownColumns) FROM items WHERE norm_link = ANY(\(links)) ORDER BY id")
            {
                let k = try Self.known(row)
                if k.feedID == feedID {
                    remember(k.known)
                } else if let link = k.known.normLink, otherFeedStoryByLink[link] == nil {
                    otherFeedStoryByLink[link] = k.known.storyID
                }
            }
        }
        // A feed's first successful fetch: none of its items can be stored yet (only other feeds' links matter).
        if firstFetch { return }
        if !guidsUnreliable { try await rememberItems(whose: "guid", isIn: incoming.compactMap(\.guid)) }
        try await rememberItems(whose: "content_key", isIn: incoming.compactMap(\.contentKey))
    }

    /// Remembers this feed's stored items whose `column` holds one of `values`.
    mutating func rememberItems(whose column: String, isIn values: [String]) async throws {
        let values = Array(Set(values))
        guard !values.isEmpty else { return }
        for row in try await self.rows(
            """
            SELECT \(unescaped: Self.knownColumns) FROM items
            WHERE feed_id = \(feedID) AND \(unescaped: column) = ANY(\(values)) ORDER BY id
            """)
        {
            remember(try Self.known(row).known)
        }
    }

    static func known(_ row: PostgresRow) throws -> (feedID: Int64, known: Known) {
        let (id, feed, guid, link, content, revision, story, title) = try row.decode(
            (Int64, Int64, String?, String?, String?, String, Int64, String?).self)
        return (
            feed,
            Known(
                id: id, guid: guid, normLink: link, contentKey: content, revision: revision, storyID: story,
                title: title)
        )
    }

    @discardableResult
    mutating func remember(_ k: Known) -> Int {
        if let i = knownByID[k.id] { return i }
        let i = known.count
        known.append(k)
        knownByID[k.id] = i
        index(i)
        return i
    }

    mutating func index(_ i: Int) {
        let k = known[i]
        if let l = k.normLink, !(byLink[l]?.contains(i) ?? false) { byLink[l, default: []].append(i) }
        if let g = k.guid, !(byGuid[g]?.contains(i) ?? false) { byGuid[g, default: []].append(i) }
        if let c = k.contentKey, !(byContent[c]?.contains(i) ?? false) { byContent[c, default: []].append(i) }
    }

    /// The known item `e` is, by link, then id, then content — each only where the other keys do not contradict.
    func findKnown(_ e: Incoming) -> Int? {
        if let l = e.normLink, let i = byLink[l]?.first { return i }
        if let g = e.guid, !guidsUnreliable, let candidates = byGuid[g] {
            // An id shared by a different headline (and not the same link) is a reused id, not an update.
            if let i = candidates.first(where: { c in
                let k = known[c]
                return (k.normLink != nil && k.normLink == e.normLink)
                    || IngestTransaction.sameHeadline(k.title, e.item.title)
            }) {
                return i
            }
        }
        if let c = e.contentKey, let candidates = byContent[c] {
            if let i = candidates.first(where: { c in
                guard let a = known[c].normLink, let b = e.normLink else { return true }
                return a == b
            }) {
                return i
            }
        }
        return nil
    }
}
