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
        // Written directly, not by `JSONEncoder` (a cold round encodes 120,000 of these: its Codable machinery was
        // ~13 % of the serial writer's CPU, issue 18); `decode` reads either. Absent fields are left out, as there.
        var members: [(String, JSONValue)] = []
        if let summary = item.summary { members.append((CodingKeys.summary.rawValue, .string(summary))) }
        if let content = item.content { members.append((CodingKeys.content.rawValue, .string(content))) }
        if !item.categories.isEmpty {
            members.append((CodingKeys.categories.rawValue, .array(item.categories.map { .string($0) })))
        }
        return JSONValue.object(members).compact
    }

    /// The stored value, `nil` for NULL or anything unreadable.
    static func decode(_ text: String?) -> ItemMatchText? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(ItemMatchText.self, from: Data(text.utf8))
    }
}
