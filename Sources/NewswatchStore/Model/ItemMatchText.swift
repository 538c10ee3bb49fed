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
        // Into one string sized up front, without a `JSONValue` tree: the same text as `JSONValue.object(…).compact`
        // (`encodeAsJSONValue`, kept for the tests), with no regrowth of the string as long contents are copied.
        let (summary, content, categories) = (item.summary, item.content, item.categories)
        if summary == nil && content == nil && categories.isEmpty { return "{}" }
        var out = ""
        out.reserveCapacity(
            (summary?.utf8.count ?? 0) + (content?.utf8.count ?? 0)
                + categories.reduce(0) { $0 + $1.utf8.count + 3 } + 24)
        out += "{"
        if let summary {
            out += #""s":"#
            JSONValue.writeEscaped(summary, to: &out)
        }
        if let content {
            out += summary == nil ? #""c":"# : #","c":"#
            JSONValue.writeEscaped(content, to: &out)
        }
        if !categories.isEmpty {
            out += summary == nil && content == nil ? #""g":["# : #","g":["#
            for (i, category) in categories.enumerated() {
                if i > 0 { out += "," }
                JSONValue.writeEscaped(category, to: &out)
            }
            out += "]"
        }
        out += "}"
        return out
    }

    /// `encode` through a `JSONValue` tree, as it was written before (the tests compare the two).
    static func encodeAsJSONValue(_ item: ParsedItem) -> String? {
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
