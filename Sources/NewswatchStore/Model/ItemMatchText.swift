import Foundation
import NewswatchCore

/// The matchable text of an item that the `title` and `summary` columns do not keep whole: the full summary, the
/// content and the categories, as one small JSON object in `items.match_text` (schema v3).
///
/// `summary` is capped and falls back to the content (digests show it); re-matching a stored item (`match
/// --stored`, `eval --feedback`) needs what the matcher read, field by field.
struct ItemMatchText: Codable, Sendable, Equatable {
    var summary: String?
    var content: String?
    var categories: [String]?

    private enum CodingKeys: String, CodingKey {
        case summary = "s"
        case content = "c"
        case categories = "g"
    }

    /// The column value for `item`: `{}` when it has no summary, content or category (NULL means "stored before
    /// schema v3", text unknown).
    static func encode(_ item: ParsedItem) -> String? {
        guard item.summary != nil || item.content != nil || !item.categories.isEmpty else { return "{}" }
        let text = ItemMatchText(
            summary: item.summary, content: item.content, categories: item.categories.isEmpty ? nil : item.categories)
        guard let data = try? JSONEncoder().encode(text) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The stored value, `nil` for NULL or anything unreadable.
    static func decode(_ text: String?) -> ItemMatchText? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(ItemMatchText.self, from: Data(text.utf8))
    }
}
