import Foundation
import NewswatchCore
import Testing

@testable import NewswatchDaemon

/// Issue 19 item 3: a poll ingests at most `daemon.max_items` items, the newest.
@Suite struct ItemLimitTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    static func item(_ id: String, published: Double? = nil, updated: Double? = nil) -> ParsedItem {
        ParsedItem(
            id: id, title: id, published: published.map { t0.addingTimeInterval($0) },
            updated: updated.map { t0.addingTimeInterval($0) })
    }

    @Test func aFeedWithinTheLimitIsUntouched() {
        let items = (0..<5).map { Self.item("i\($0)", published: Double($0)) }
        let (kept, warning) = ItemLimit.newest(items, limit: 5)
        #expect(kept.map(\.id) == items.map(\.id))
        #expect(warning == nil)
    }

    @Test func keepsTheNewestInDocumentOrderWithAWarning() {
        let items = [
            Self.item("old", published: -300),
            Self.item("undated-1"),
            Self.item("new", published: -10),
            Self.item("by-updated", updated: -20),
            Self.item("tie-a", published: -100),
            Self.item("undated-2"),
            Self.item("tie-b", published: -100),
        ]
        let (kept, warning) = ItemLimit.newest(items, limit: 3)
        #expect(kept.map(\.id) == ["new", "by-updated", "tie-a"])
        #expect(warning == "truncated: 7 items in the feed, 3 kept")
        // Undated items rank after dated ones, in document order.
        #expect(
            ItemLimit.newest(items, limit: 6).items.map(\.id) == [
                "old", "undated-1", "new", "by-updated", "tie-a", "tie-b",
            ])
    }

    @Test func fiftyThousandItemsKeepOneThousand() {
        let items = (0..<50_000).map { Self.item("i\($0)", published: Double($0 % 7_000)) }
        let (kept, warning) = ItemLimit.newest(items, limit: 1000)
        #expect(kept.count == 1000)
        #expect(kept.allSatisfy { ($0.published ?? .distantPast) >= Self.t0.addingTimeInterval(6_857) })
        #expect(warning == "truncated: 50000 items in the feed, 1000 kept")
    }
}
