import Foundation
import GRDB
import NewswatchCore

extension IngestTransaction {
    // MARK: Recognising items

    static func prepare(_ batch: IngestBatch) -> [Incoming] {
        let now = batch.fetchedAt.storeSeconds
        return batch.items.map { prepare($0, feedKey: batch.feed.key, now: now) }
    }

    static func prepare(_ matched: MatchedItem, feedKey: String, now: Int64) -> Incoming {
        let item = matched.item
        let guid = item.id.map(trimmed).flatMap { $0.isEmpty ? nil : $0 }
        let normLink = item.link.flatMap(LinkNormalizer.normalize)
        let titleBytes = StoryTitle.normalizedBytes(item.title ?? "")
        let title = String(decoding: titleBytes, as: UTF8.self)
        let body = StoryTitle.normalizedText(StoryTitle.leading(item.summary ?? item.content ?? "", characters: 400))
        let contentKey = title.isEmpty && body.isEmpty ? nil : ContentHash.hex(fields: ["c", title, body])
        let revision = ContentHash.hex(fields: [
            item.title ?? "", item.summary ?? "", item.content ?? "", item.link ?? "",
            item.categories.joined(separator: "\u{1F}"),
        ])
        // One entry per topic (the matcher gives that; a hand-written matcher might not).
        let matches = TopicMatch.distinctTopics(matched.matches)
        // A feed that dates items only by `dc:date`/Atom `updated` (RSS 1.0 does) still dates them.
        let date = item.published ?? item.updated
        let published = date?.storeSeconds ?? now
        // Only items dated near the index's window can join a story by title; skip the words for the rest.
        let words =
            published >= now - 2 * StoryIndex.window
            ? StoryTitle(normalized: titleBytes) : StoryTitle("")
        return Incoming(
            item: item, guid: guid, normLink: normLink, contentKey: contentKey, revision: revision, matches: matches,
            matchesText: StoredMatch.encode(matches), topicIDs: matches.map(\.topicID),
            matchText: ItemMatchText.encode(item),
            storedSummary: IngestTransaction.storedSummary(item), published: published, undated: date == nil,
            title: words,
            storyKey: ContentHash.hex(fields: [
                "story", feedKey, guid ?? "", normLink ?? "", contentKey ?? "", revision,
            ]))
    }

    /// `s` without surrounding white space; ids almost never have any, so avoid Foundation's trim then.
    static func trimmed(_ s: String) -> String {
        guard let first = s.utf8.first, let last = s.utf8.last else { return s }
        func plain(_ b: UInt8) -> Bool { b > 32 && b < 0x80 }
        if plain(first) && plain(last) { return s }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
