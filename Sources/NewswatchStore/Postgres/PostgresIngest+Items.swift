import Foundation
import NewswatchCore
import PostgresNIO

extension PostgresIngest {
    // MARK: New items

    /// Takes a new item: its story, its id and its row (written by `flush()`), its entry in the title index, and
    /// its alert checks. `atMost`: how many more items the batch can insert (the ids reserved at once).
    mutating func insertNew(_ e: Incoming, atMost remaining: Int) async throws -> Int {
        let item = e.item
        let published = e.published
        let storyID = try await story(for: e, title: e.title, time: published, atMost: remaining)
        let eligible = isEligible(published: published, undated: e.undated)
        let guid = guidsUnreliable ? nil : e.guid
        let id = try await nextID(of: "items", from: &itemIDs, atMost: remaining)
        newItemRows.append(NewItemRow(id: id, storyID: storyID, incoming: e, guid: guid, heldBack: !eligible))
        maxItemID = max(maxItemID, id)
        newItemFigures.append(
            NewItemFigure(
                published: e.undated ? nil : Date(storeSeconds: published), firstSeen: Date(storeSeconds: now),
                topics: e.matches.map(\.topicID)))
        let i = remember(
            Known(
                id: id, guid: guid, normLink: e.normLink, contentKey: e.contentKey, revision: e.revision,
                storyID: storyID, title: item.title))
        if published >= now - StoryIndex.window, e.title.hashes.count >= StoryTitle.minimumTokens {
            index.addPending(StoryIndex.Entry(storyID: storyID, time: published, title: e.title))
        }
        // A held-back item never alerts, and within this transaction (a first fetch) a story's suppressed topics
        // alert exactly as untouched ones would; later transactions derive them from `held_back`.
        if eligible {
            for match in e.matches {
                alertChecks.append(AlertCheck(storyID: storyID, match: match, item: item, published: published))
            }
        }
        return i
    }

    /// The story a new item belongs to: the story of any item with the same link, else of a near-identical
    /// headline dated within 48 hours, else a new story (its row written by `flush()`). Under the story lock, so
    /// another daemon's copy of the story is either committed (and found here) or waits for this one to commit.
    mutating func story(for e: Incoming, title: StoryTitle, time: Int64, atMost remaining: Int) async throws -> Int64 {
        if let l = e.normLink, let s = otherFeedStoryByLink[l] { return s }
        if let s = index.bestStory(for: title, time: time) { return s }
        let id = try await nextID(of: "stories", from: &storyIDs, atMost: remaining)
        // The key derives from the item: stable across fresh databases (`flush()` salts it if it is taken).
        newStoryRows.append((id, e.storyKey))
        storyKeys[id] = e.storyKey
        newStories.insert(id)
        return id
    }

    /// The next reserved id of `table`, reserving up to `count` at once (one statement) when none is left.
    func nextID(of table: String, from reserved: inout ReservedIDs, atMost count: Int) async throws -> Int64 {
        if reserved.next == reserved.ids.count {
            let rows = try await self.rows(
                """
                SELECT nextval(pg_get_serial_sequence(\(table), 'id')) FROM generate_series(1, \(max(1, count)))
                """)
            reserved.ids = try rows.map { try $0.decode(Int64.self) }.sorted()
            reserved.next = 0
            guard !reserved.ids.isEmpty else { throw StoreError(.database, "no ids from the \(table) sequence") }
        }
        defer { reserved.next += 1 }
        return reserved.ids[reserved.next]
    }

    /// Whether an item may alert: on a feed's first fetch only items dated within `backfill` may; the others are
    /// stored as held back (`items.held_back`).
    func isEligible(published: Int64, undated: Bool) -> Bool {
        !firstFetch || (!undated && Double(published) >= Double(now) - batch.backfill)
    }

    // MARK: Updates

    /// Applies a seen-again item; returns whether it changed. Changed items are matched again and may alert topics
    /// they did not match before.
    mutating func update(_ i: Int, with e: Incoming) async throws -> Bool {
        var k = known[i]
        if k.revision == e.revision {
            if let g = e.guid, g != k.guid, !guidsUnreliable {
                // Ids that change on every fetch: follow them so the next lookup by id still works.
                try await self.execute("UPDATE items SET guid = \(g) WHERE id = \(k.id)")
                k.guid = g
                known[i] = k
                index(i)
            }
            return false
        }
        let item = e.item
        let rows = try await self.rows(
            """
            UPDATE items SET guid = COALESCE(\(guidsUnreliable ? nil : e.guid), guid),
                link = COALESCE(\(item.link), link), norm_link = COALESCE(\(e.normLink), norm_link),
                content_key = COALESCE(\(e.contentKey), content_key), revision = \(e.revision),
                title = \(item.title), summary = \(e.storedSummary),
                updated = \((item.updated ?? item.published)?.storeSeconds), match_text = \(e.matchText)
            WHERE id = \(k.id)
            RETURNING published, undated, matches,
                ARRAY(SELECT matches FROM item_rematches WHERE item_id = \(k.id) ORDER BY id)
            """)
        if !guidsUnreliable, let g = e.guid { k.guid = g }
        k.normLink = e.normLink ?? k.normLink
        k.contentKey = e.contentKey ?? k.contentKey
        k.revision = e.revision
        k.title = item.title
        known[i] = k
        index(i)

        let row = try rows.first?.decode((Int64, Bool, String?, [String]).self)
        let published = row?.0 ?? now
        let undated = row?.1 ?? true
        var matched = Set(StoredMatch.decode(row?.2).map(\.topic))
        for text in row?.3 ?? [] {
            for m in StoredMatch.decode(text) { matched.insert(m.topic) }
        }
        let newMatches = e.matches.filter { !matched.contains($0.topicID) }
        if let text = StoredMatch.encode(newMatches) {
            try await self.execute(
                "INSERT INTO item_rematches(item_id, matched_at, matches) VALUES (\(k.id), \(now), \(text))")
        }
        guard isEligible(published: published, undated: undated) else {
            // Not eligible: only a suppressed state could follow, and a held-back item's stored matches say it.
            return true
        }
        for match in newMatches {
            alertChecks.append(AlertCheck(storyID: k.storyID, match: match, item: item, published: published))
        }
        return true
    }
}
