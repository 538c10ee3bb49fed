import Foundation
import NewswatchCore

/// An item while its elements arrive: candidates kept apart until the item ends.
struct ItemDraft {
    var id: String?
    var title: String?
    var link: String?
    var atomLinkHTML: String?
    var atomLinkAny: String?
    var permalinkGUID: String?
    var published: Date?
    var publishedFallback: Date?
    var updated: Date?
    var authorName: String?
    var authorEmail: String?
    var summary: String?
    var content: String?
    var mediaTitle: String?
    var mediaDescription: String?
    var categories: [String] = []

    mutating func addCategory(_ c: String?) {
        guard let c, !c.isEmpty, !categories.contains(c) else { return }
        categories.append(c)
    }

    /// Takes an author as feeds write it: a name, an e-mail, `jo@example.org (Jo Smith)` or `Jo Smith <jo@…>`.
    mutating func addAuthor(_ raw: String?) {
        guard let raw, !raw.isEmpty else { return }
        let (name, email) = Self.splitAuthor(raw)
        if authorName == nil, let name { authorName = name }
        if authorEmail == nil, let email { authorEmail = email }
    }

    static func splitAuthor(_ s: String) -> (String?, String?) {
        // Most authors are a plain name: skip Foundation's string searching for them.
        if !s.utf8.contains(where: { $0 == 0x40 || $0 == 0x28 || $0 == 0x3C }) { return (s, nil) }
        if let open = s.firstIndex(of: "("), let close = s.lastIndex(of: ")"), open < close {
            let inner = s[s.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
            let outer = s[..<open].trimmingCharacters(in: .whitespaces)
            if outer.contains("@") { return (inner.isEmpty ? nil : inner, outer) }
            if inner.contains("@") { return (outer.isEmpty ? nil : outer, inner) }
        }
        if let lt = s.firstIndex(of: "<"), let gt = s.lastIndex(of: ">"), lt < gt {
            let email = s[s.index(after: lt)..<gt].trimmingCharacters(in: .whitespaces)
            var name = s[..<lt].trimmingCharacters(in: .whitespaces)
            if name.count >= 2, name.first == "\"", name.last == "\"" { name = String(name.dropFirst().dropLast()) }
            return (name.isEmpty ? nil : name, email.isEmpty ? nil : email)
        }
        if s.contains("@"), !s.contains(" ") { return (nil, s) }
        return (s, nil)
    }

    func finished() -> ParsedItem {
        ParsedItem(
            id: id,
            title: title ?? mediaTitle,
            link: link ?? atomLinkHTML ?? atomLinkAny ?? permalinkGUID,
            published: published ?? publishedFallback,
            updated: updated,
            author: authorName ?? authorEmail,
            summary: summary ?? mediaDescription,
            content: content,
            categories: categories)
    }
}

/// Feed-level values while the document arrives.
struct FeedDraft {
    var title: String?
    var link: String?
    var atomLinkHTML: String?
    var atomLinkAny: String?
    var description: String?
    var language: String?
    var rootLanguage: String?
    var updated: Date?
    var ttl: Int?
    var updatePeriodMinutes: Int?
    var updateFrequency: Int?

    var ttlMinutes: Int? {
        if let ttl { return ttl }
        guard let period = updatePeriodMinutes else { return nil }
        return max(1, period / max(1, updateFrequency ?? 1))
    }
}
