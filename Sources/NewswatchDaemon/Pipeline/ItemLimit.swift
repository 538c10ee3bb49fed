import Foundation
import NewswatchCore

/// Which items of one poll are ingested: at most `daemon.max_items`, the newest.
///
/// A feed server decides how many items a body holds; without a bound, 50,000 fresh items made 50,000 alerts from one
/// poll and held the store's one write transaction for about a minute (issue 19 item 3).
enum ItemLimit {
    /// The newest `limit` of `items` in document order, and the warning that says what was left out (`nil` when
    /// nothing was). Newest by `published`, else `updated`; undated items rank after dated ones, and items that
    /// rank equal keep their document order.
    static func newest(_ items: [ParsedItem], limit: Int) -> (items: [ParsedItem], warning: String?) {
        let limit = max(1, limit)
        guard items.count > limit else { return (items, nil) }
        let ranked = items.indices.sorted { a, b in
            switch (items[a].published ?? items[a].updated, items[b].published ?? items[b].updated) {
            case (let x?, let y?): return x != y ? x > y : a < b
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
        let kept = ranked.prefix(limit).sorted()
        return (kept.map { items[$0] }, "truncated: \(items.count) items in the feed, \(limit) kept")
    }
}
