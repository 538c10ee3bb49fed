import Foundation

/// Renders a digest as CommonMark that reads as well in a text editor as rendered.
///
/// Every piece of feed and config text is escaped so it can never become markup (emphasis, links, HTML,
/// headings, lists); links are emitted only for `http(s)` URLs.
package enum DigestMarkdownRenderer {
    /// The widest bar of the hourly volume chart, in characters.
    static let barWidth = 30

    /// The digest as Markdown text (UTF-8, `\n` line ends, one trailing newline).
    package static func render(_ data: DigestData) -> String {
        let period = data.period
        let zone = period.timeZone
        var out: [String] = []

        out.append("# Digest for " + DigestText.longDate(period.date))
        out.append("")
        out.append(DigestText.periodSentence(period))
        out.append("")
        var contents = data.topics.map { topic in
            escape(topic.name) + " ("
                + (topic.itemCount == 0 ? "nothing" : DigestText.count(topic.itemCount, "item", "items")) + ")"
        }
        contents.append("Feed health (" + healthSummary(data.feedHealth) + ")")
        out.append("Contents: " + contents.joined(separator: " · "))

        for topic in data.topics {
            out.append("")
            out.append("## " + escape(topic.name))
            out.append("")
            out.append(
                topic.priority.rawValue.prefix(1).uppercased() + topic.priority.rawValue.dropFirst() + " priority. "
                    + DigestText.counts(topic) + "; " + DigestText.average(topic) + ".")
            out.append("")
            let stories = topic.orderedStories
            if stories.isEmpty {
                out.append("Nothing today: no item matched this topic in the period.")
                continue
            }
            for (n, story) in stories.enumerated() {
                // A blank line between stories: easier to scan as text, and a loose list when rendered.
                if n > 0 { out.append("") }
                out.append(contentsOf: storyLines(story, number: n + 1, zone: zone))
            }
            out.append("")
            out.append("Items per hour, " + zone.displayName + " time:")
            out.append("")
            out.append("```text")
            out.append(contentsOf: volumeLines(topic.hourlyVolume, period: period))
            out.append("```")
        }

        out.append("")
        out.append("## Feed health")
        out.append("")
        out.append(contentsOf: healthLines(data.feedHealth, zone: zone))
        out.append(contentsOf: slowestLines(data.feedHealth))
        return out.joined(separator: "\n") + "\n"
    }

    static func healthSummary(_ health: DigestFeedHealth) -> String {
        if health.failed.isEmpty && health.silent.isEmpty { return "all well" }
        var parts: [String] = []
        if !health.failed.isEmpty { parts.append(String(health.failed.count) + " failing") }
        if !health.silent.isEmpty { parts.append(String(health.silent.count) + " silent") }
        return parts.joined(separator: ", ")
    }

    static func storyLines(_ story: DigestStory, number: Int, zone: TimeZone) -> [String] {
        let marker = String(number) + ". "
        let indent = String(repeating: " ", count: marker.count)
        let title = escape(story.displayTitle ?? "(untitled)")
        var lines: [String] = []
        if let link = story.displayLink {
            lines.append(marker + "**[" + title + "](" + destination(link) + ")**")
        } else {
            lines.append(marker + "**" + title + "**")
        }
        let sources = story.orderedSources
        let names = sources.map { source -> String in
            let name = escape(source.feed)
            guard let link = DigestText.webLink(source.link) else { return name }
            return "[" + name + "](" + destination(link) + ")"
        }
        lines.append(
            indent + DigestText.dayAndTime(story.firstSeen, zone) + " · "
                + DigestText.count(sources.count, "source", "sources") + ": " + names.joined(separator: ", "))
        if !story.terms.isEmpty {
            lines.append(indent + "Matched: " + story.terms.map { escape($0) }.joined(separator: ", "))
        }
        if let summary = DigestText.summary(story.summary) {
            lines.append(indent + escape(summary))
        }
        // Hard line breaks (two trailing spaces) keep each fact on its own line when rendered,
        // and are invisible as plain text.
        for i in 0..<(lines.count - 1) { lines[i] += "  " }
        return lines
    }

    static func volumeLines(_ volume: [Int], period: DigestPeriod) -> [String] {
        let peak = volume.max() ?? 0
        let width = String(peak).count
        return zip(period.hourStarts, volume).map { start, count in
            let bar =
                peak == 0 ? 0 : max(count > 0 ? 1 : 0, Int((Double(count) / Double(peak) * Double(barWidth)).rounded()))
            let n = String(count)
            return DigestText.clock(start, period.timeZone) + " " + String(repeating: " ", count: width - n.count) + n
                + (bar > 0 ? " " + String(repeating: "█", count: bar) : "")
        }
    }

    static func healthLines(_ health: DigestFeedHealth, zone: TimeZone) -> [String] {
        if health.failed.isEmpty && health.silent.isEmpty {
            return ["Every feed was fetched without error, and none went silent."]
        }
        var lines: [String] = []
        if !health.failed.isEmpty {
            lines.append("Failed during the period:")
            lines.append("")
            for f in health.orderedFailed {
                var line =
                    "- " + feedName(f.feed, f.url) + " failed "
                    + (f.failures == 1 ? "once" : String(f.failures) + " times")
                let errors = f.orderedErrors.map {
                    escape(DigestText.oneLine($0.message)) + " (" + String($0.count) + "×)"
                }
                if !errors.isEmpty { line += ": " + errors.joined(separator: "; ") }
                line += "."
                if let last = f.lastFailure { line += " Last failure " + DigestText.dayAndTime(last, zone) + "." }
                lines.append(line)
            }
        }
        if !health.silent.isEmpty {
            if !lines.isEmpty { lines.append("") }
            lines.append("Went silent:")
            lines.append("")
            for s in health.orderedSilent {
                let since =
                    s.lastNewItem.map { "no new item since " + DigestText.dayAndTime($0, zone) } ?? "no item ever"
                lines.append("- " + feedName(s.feed, s.url) + ": " + since + ".")
            }
        }
        return lines
    }

    static func feedName(_ name: String, _ url: String?) -> String {
        guard let link = DigestText.webLink(url) else { return "**" + escape(name) + "**" }
        return "**[" + escape(name) + "](" + destination(link) + ")**"
    }

    /// Feed text as literal Markdown inline text on one line.
    ///
    /// Backslash-escapes every character that could open inline markup (`*`, `_`, `` ` ``, `[`, `]`, `<`, `>`,
    /// `~`, `|`, `\`, an `&` that starts an entity) and, at the start, anything that could open a block
    /// (`#`, `-`, `+`, `=`, `1.`, `1)`); other punctuation stays as is, so plain text stays readable.
    package static func escape(_ text: String) -> String {
        let flat = DigestText.oneLine(text)
        var out = ""
        out.reserveCapacity(flat.utf8.count + 8)
        let scalars = Array(flat.unicodeScalars)
        for (i, s) in scalars.enumerated() {
            if needsEscape(scalars, i) { out += "\\" }
            out.unicodeScalars.append(s)
        }
        return out
    }

    private static func needsEscape(_ s: [Unicode.Scalar], _ i: Int) -> Bool {
        switch s[i] {
        case "\\", "`", "*", "[", "]", "<", ">", "~", "|": return true
        // An underscore between two letters or digits can neither open nor close emphasis.
        case "_": return !(i > 0 && i + 1 < s.count && isAlphanumeric(s[i - 1]) && isAlphanumeric(s[i + 1]))
        case "&": return isEntityStart(s, i)
        case "#", "-", "+", "=": return i == 0
        case ".", ")": return isOrderedListMarker(s, i)
        default: return false
        }
    }

    private static func isAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        s.properties.isAlphabetic || s.properties.numericType != nil
    }

    /// `&amp;`, `&#38;`, `&#x26;`: an `&` followed by a name or number and `;`.
    private static func isEntityStart(_ s: [Unicode.Scalar], _ i: Int) -> Bool {
        var j = i + 1
        while j < s.count, j - i <= 32, s[j].isASCII,
            s[j].properties.isAlphabetic || ("0"..."9").contains(s[j]) || s[j] == "#"
        {
            j += 1
        }
        return j > i + 1 && j < s.count && s[j] == ";"
    }

    /// `.` or `)` right after a run of up to nine digits at the very start (`2024. A year` would be a list).
    private static func isOrderedListMarker(_ s: [Unicode.Scalar], _ i: Int) -> Bool {
        guard i > 0, i <= 9 else { return false }
        return s[0..<i].allSatisfy { ("0"..."9").contains($0) }
    }

    /// A URL as a link destination: parentheses backslash-escaped (the URL stays the same), characters that are
    /// not valid in URLs anyway and could end or confuse the destination percent-encoded.
    static func destination(_ url: String) -> String {
        var out = ""
        for s in url.unicodeScalars {
            switch s {
            case "(": out += "\\("
            case ")": out += "\\)"
            case "<": out += "%3C"
            case ">": out += "%3E"
            case "\"": out += "%22"
            case "\\": out += "%5C"
            case "`": out += "%60"
            case "[": out += "%5B"
            case "]": out += "%5D"
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }
}
