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

    /// This feed's stored items that may be the incoming ones, in one statement: by link, then by id, then by content
    /// key — each in id order, an item in its first group only, as `IngestTransaction.loadKnown`'s queries remember
    /// them. Only this feed's rows (no other daemon writes them: the feed is leased), so it runs before the story
    /// lock; other feeds' items with the same links are read under the lock (`PostgresStoryIndex.catchUp`). The rows
    /// read are locked (`FOR KEY SHARE`) so that retention, which skips locked items, cannot delete an item this
    /// ingest has found and is about to see again (`prune`).
    mutating func loadKnown(_ incoming: [Incoming]) async throws {
        // A feed's first successful fetch: none of its items can be stored yet.
        guard !firstFetch else { return }
        let links = Array(Set(incoming.compactMap(\.normLink)))
        let guids = guidsUnreliable ? [] : Array(Set(incoming.compactMap(\.guid)))
        let contents = Array(Set(incoming.compactMap(\.contentKey)))
        guard !links.isEmpty || !guids.isEmpty || !contents.isEmpty else { return }
        let rows = try await self.rows(
            """
            SELECT \(unescaped: Self.knownColumns),
                CASE WHEN norm_link = ANY(\(links)) THEN 0 WHEN guid = ANY(\(guids)) THEN 1 ELSE 2 END AS phase
            FROM items
            WHERE feed_id = \(feedID)
                AND (norm_link = ANY(\(links)) OR guid = ANY(\(guids)) OR content_key = ANY(\(contents)))
            ORDER BY phase, id
            FOR KEY SHARE
            """)
        for row in rows { remember(try Self.known(row).known) }
    }

    /// The incoming links none of this feed's stored items has (`loadKnown`): every new item's link is one, and
    /// other feeds' items may already have its story.
    func unknownLinks(_ incoming: [Incoming]) -> [String] {
        Array(Set(incoming.compactMap { e in e.normLink.flatMap { byLink[$0] == nil ? $0 : nil } }))
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
