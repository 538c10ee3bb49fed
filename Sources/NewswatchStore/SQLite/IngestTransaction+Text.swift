import Foundation
import GRDB
import NewswatchCore

extension IngestTransaction {
    // MARK: Text

    /// What digests show: the summary (or the start of the content), capped so the database stays small.
    static func storedSummary(_ item: ParsedItem) -> String? {
        guard let s = item.summary ?? item.content, !s.isEmpty else { return nil }
        // utf8.count is O(1); counting characters is not, and most summaries are short.
        return s.utf8.count <= 1000 ? s : String(s.prefix(1000))
    }

    /// At most 300 characters of plain text, cut at a word boundary with an ellipsis (CONTRACT §4).
    static func alertSummary(_ item: ParsedItem) -> String? {
        guard let s = item.summary ?? item.content, !s.isEmpty else { return nil }
        return truncate(s, to: 300)
    }

    static func truncate(_ s: String, to limit: Int) -> String {
        guard s.utf8.count > limit, s.count > limit else { return s }
        var cut = s.prefix(limit - 1)
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > limit / 2 {
            cut = cut[..<space]
        }
        while let last = cut.last, last == " " || last == "," || last == ";" || last == ":" { cut = cut.dropLast() }
        return cut + "…"
    }
}
