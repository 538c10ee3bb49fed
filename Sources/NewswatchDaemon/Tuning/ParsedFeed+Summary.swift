import NewswatchCore
import NewswatchParse

extension ParsedFeed {
    /// The readable form `parse` prints: the feed's header, then one short block per item.
    var readableSummary: String {
        var out = ""
        func line(_ label: String, _ value: String?) {
            guard let value else { return }
            out += label + value + "\n"
        }
        line("Feed:        ", title ?? "(untitled)")
        line("Format:      ", format.rawValue)
        line("Link:        ", link)
        line("Description: ", description.map { Self.shortened($0, 200) })
        line("Language:    ", language)
        line("Updated:     ", updated.map(Timestamp.format))
        line("TTL:         ", ttlMinutes.map { "\($0) minutes" })
        out += "Items:       \(items.count)\n"
        for (n, item) in items.enumerated() {
            out += "\n\(n + 1). \(item.title ?? "(untitled)")\n"
            var facts: [String] = []
            if let p = item.published { facts.append("published " + Timestamp.format(p)) }
            if let u = item.updated { facts.append("updated " + Timestamp.format(u)) }
            if let a = item.author { facts.append("by " + a) }
            if !facts.isEmpty { out += "   " + facts.joined(separator: " · ") + "\n" }
            if let l = item.link { out += "   " + l + "\n" }
            if let s = item.summary ?? item.content { out += "   " + Self.shortened(s, 200) + "\n" }
            if !item.categories.isEmpty { out += "   [" + item.categories.joined(separator: ", ") + "]\n" }
        }
        return out
    }

    private static func shortened(_ s: String, _ limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
    }
}
