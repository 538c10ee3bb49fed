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

    /// The stored items that may be the incoming ones, in one statement: any feed's by link (another feed's only
    /// gives its story), then this feed's by id, then by content key — each in id order, an item in its first
    /// group only, as `IngestTransaction.loadKnown`'s three queries remember them.
    mutating func loadKnown(_ incoming: [Incoming]) async throws {
        let links = Array(Set(incoming.compactMap(\.normLink)))
        // A feed's first successful fetch: none of its items can be stored yet (only other feeds' links matter).
        let guids = firstFetch || guidsUnreliable ? [] : Array(Set(incoming.compactMap(\.guid)))
        let contents = firstFetch ? [] : Array(Set(incoming.compactMap(\.contentKey)))
        guard !links.isEmpty || !guids.isEmpty || !contents.isEmpty else { return }
        let rows = try await self.rows(
            """
            SELECT \(unescaped: Self.knownColumns),
                CASE WHEN norm_link = ANY(\(links)) THEN 0 WHEN guid = ANY(\(guids)) THEN 1 ELSE 2 END AS phase
            FROM items
            WHERE norm_link = ANY(\(links))
                OR (feed_id = \(feedID) AND (guid = ANY(\(guids)) OR content_key = ANY(\(contents))))
            ORDER BY phase, id
            """)
        for row in rows {
            let k = try Self.known(row)
            if k.feedID == feedID {
                remember(k.known)
            } else if let link = k.known.normLink, otherFeedStoryByLink[link] == nil {
                otherFeedStoryByLink[link] = k.known.storyID
            }
        }
    }

    static func known(_ row: PostgresRow) throws -> (feedID: Int64, known: Known) {
        let r = row.makeRandomAccess()
        let (id, feed, guid, link) = (
            try r["id"].decode(Int64.self), try r["feed_id"].decode(Int64.self), try r["guid"].decode(String?.self),
            try r["norm_link"].decode(String?.self)
        )
        let (content, revision, story, title) = (
            try r["content_key"].decode(String?.self), try r["revision"].decode(String.self),
            try r["story_id"].decode(Int64.self), try r["title"].decode(String?.self)
        )
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
