import ArgumentParser
import Foundation
import NewswatchCore
import NewswatchDaemon
import NewswatchParse

/// `newswatch parse SOURCE [--json] [--allow-private-networks]` (CONTRACT §1–2).
struct ParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse one feed (a file, - for stdin, or an http(s) URL) and print what newswatch reads in it.",
        discussion: """
            Exit status: 0 parsed (recovered problems are warned about on stderr), 65 not a usable feed, \
            66 file missing or unreadable, 69 source unreachable.
            """)

    @Argument(help: "A feed file, '-' for standard input, or an http(s) URL.")
    var source: String

    @Flag(help: "Print the parsed feed as JSON (CONTRACT §2).")
    var json = false

    @Flag(help: "Allow a URL source that resolves to a loopback, private or link-local address.")
    var allowPrivateNetworks = false

    func run() async throws {
        let feed: ParsedFeed
        do {
            let loaded = try await FeedSource.load(source, allowPrivateNetworks: allowPrivateNetworks)
            feed = try FeedSource.parse(loaded, source: displayName)
        } catch {
            throw Console.fail(error.exitCode, error.message)
        }
        for warning in feed.warnings { Console.warning("\(displayName): \(warning)") }
        if json {
            Console.json(feed.contractJSON.pretty + "\n")
        } else {
            Console.output(Self.summary(feed))
        }
    }

    private var displayName: String { source == "-" ? "<stdin>" : URLRedaction.redact(source) }

    /// The readable form: the feed's header, then one short block per item.
    static func summary(_ feed: ParsedFeed) -> String {
        var out = ""
        func line(_ label: String, _ value: String?) {
            guard let value else { return }
            out += label + value + "\n"
        }
        line("Feed:        ", feed.title ?? "(untitled)")
        line("Format:      ", feed.format.rawValue)
        line("Link:        ", feed.link)
        line("Description: ", feed.description.map { Self.shortened($0, 200) })
        line("Language:    ", feed.language)
        line("Updated:     ", feed.updated.map(Timestamp.format))
        line("TTL:         ", feed.ttlMinutes.map { "\($0) minutes" })
        out += "Items:       \(feed.items.count)\n"
        for (n, item) in feed.items.enumerated() {
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
