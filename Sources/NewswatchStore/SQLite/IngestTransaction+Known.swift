import Foundation
import GRDB
import NewswatchCore

extension IngestTransaction {
    /// A feed that gives two different items of one document the same id cannot be trusted with ids.
    mutating func detectGuidReuse(_ incoming: [Incoming]) {
        guard !guidsUnreliable else { return }
        guidsUnreliable = batch.preparedGuidReuse ?? Self.reusesGuids(incoming)
    }

    /// Whether two different items of one document share an id. Needs no database: `IngestBatch.prepare()` asks it
    /// off the writer.
    static func reusesGuids(_ incoming: [Incoming]) -> Bool {
        var identity: [String: String] = [:]
        for e in incoming {
            guard let guid = e.guid else { continue }
            let id = e.normLink ?? e.contentKey ?? e.revision
            if let previous = identity[guid], previous != id { return true }
            identity[guid] = id
        }
        return false
    }

    /// The columns `remember(_:)` reads, in its order.
    static let knownColumns = "id, feed_id, guid, norm_link, content_key, revision, story_id, title"

    /// Remembers this feed's stored items whose `column` holds one of `values`.
    mutating func rememberItems(whose column: String, isIn values: [String]) throws {
        for chunk in Array(Set(values)).chunked(500) {
            let list = paddedInList(chunk)
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.knownColumns) FROM items
                        WHERE feed_id = ? AND \(column) IN (\(placeholders(list.count))) ORDER BY id
                        """),
                arguments: StatementArguments([feedID]) + StatementArguments(list))
            while let row = try rows.next() { remember(row) }
        }
    }

    mutating func loadKnown(_ incoming: [Incoming]) throws {
        let columns = Self.knownColumns
        // Not deduplicated first: SQLite's IN list is a set already (hashing the links into a `Set` was 2 % of the
        // writer's CPU in a cold round, issue 18).
        let links = incoming.compactMap(\.normLink)
        for chunk in links.chunked(500) {
            let list = paddedInList(chunk)
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: "SELECT \(columns) FROM items WHERE norm_link IN (\(placeholders(list.count))) ORDER BY id"),
                arguments: StatementArguments(list))
            while let row = try rows.next() {
                if (row[1] as Int64) == feedID {
                    remember(row)
                } else if let link: String = row[3], otherFeedStoryByLink[link] == nil {
                    otherFeedStoryByLink[link] = row[6]
                }
            }
        }
        // A feed's first successful fetch: none of its items can be stored yet (only other feeds' links matter).
        if firstFetch { return }
        if !guidsUnreliable { try rememberItems(whose: "guid", isIn: incoming.compactMap(\.guid)) }
        try rememberItems(whose: "content_key", isIn: incoming.compactMap(\.contentKey))
    }

    mutating func remember(_ row: Row) {
        let id: Int64 = row[0]
        guard knownByID[id] == nil else { return }
        remember(
            Known(
                id: id, guid: row[2], normLink: row[3], contentKey: row[4], revision: row[5], storyID: row[6],
                title: row[7]))
    }

    @discardableResult
    mutating func remember(_ k: Known) -> Int {
        let i = known.count
        known.append(k)
        knownByID[k.id] = i
        // A new entry is in no list yet: append without `index(_:)`'s look-ups (one string hash per key, not two).
        if let l = k.normLink { byLink[l, default: []].append(i) }
        if let g = k.guid { byGuid[g, default: []].append(i) }
        if let c = k.contentKey { byContent[c, default: []].append(i) }
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

    /// Whether two versions of one item's headline are close enough to be an edit rather than another item.
    static func sameHeadline(_ a: String?, _ b: String?) -> Bool {
        if a == b { return true }
        return StoryTitle(a ?? "").similarity(to: StoryTitle(b ?? "")) >= 0.5
    }

    // MARK: Updates

    /// Applies a seen-again item; returns whether it changed. Changed items are matched again and may alert topics
    /// they did not match before.
    mutating func update(_ i: Int, with e: Incoming) throws -> Bool {
        var k = known[i]
        if k.revision == e.revision {
            if let g = e.guid, g != k.guid, !guidsUnreliable {
                // Ids that change on every fetch: follow them so the next lookup by id still works.
                try db.cachedStatement(sql: "UPDATE items SET guid = ? WHERE id = ?").execute(arguments: [g, k.id])
                k.guid = g
                known[i] = k
                index(i)
            }
            return false
        }
        let item = e.item
        try db.cachedStatement(
            sql: """
                UPDATE items SET guid = COALESCE(?, guid), link = COALESCE(?, link), norm_link = COALESCE(?, norm_link),
                    content_key = COALESCE(?, content_key), revision = ?, title = ?, summary = ?, updated = ?,
                    match_text = ?
                WHERE id = ?
                """
        ).execute(arguments: [
            guidsUnreliable ? nil : e.guid, item.link, e.normLink, e.contentKey, e.revision, item.title,
            e.storedSummary, (item.updated ?? item.published)?.storeSeconds, e.matchText, k.id,
        ])
        if !guidsUnreliable, let g = e.guid { k.guid = g }
        k.normLink = e.normLink ?? k.normLink
        k.contentKey = e.contentKey ?? k.contentKey
        k.revision = e.revision
        k.title = item.title
        known[i] = k
        index(i)

        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT published, undated, matches FROM items WHERE id = ?"), arguments: [k.id])
        let published: Int64 = row?[0] ?? now
        let undated: Bool = row?[1] ?? true
        var matched = Set(StoredMatch.decode(row?[2]).map(\.topic))
        for text in try String.fetchAll(
            db.cachedStatement(sql: "SELECT matches FROM item_rematches WHERE item_id = ?"), arguments: [k.id])
        {
            for m in StoredMatch.decode(text) { matched.insert(m.topic) }
        }
        let newMatches = e.matches.filter { !matched.contains($0.topicID) }
        if let text = StoredMatch.encode(newMatches) {
            try db.cachedStatement(sql: "INSERT INTO item_rematches(item_id, matched_at, matches) VALUES (?, ?, ?)")
                .execute(arguments: [k.id, now, text])
        }
        let eligible = isEligible(published: published, undated: undated)
        for match in newMatches {
            try considerAlert(
                storyID: k.storyID, match: match, item: item, published: published, eligible: eligible)
        }
        return true
    }
}
