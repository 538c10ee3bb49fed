import ArgumentParser
import Foundation
import NewswatchCore
import NewswatchFetch
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

    /// The bytes of a source and what is known about them.
    struct Loaded {
        var data: Data
        /// The document's own URL, for relative links.
        var baseURL: String?
        /// The `charset` of an HTTP `Content-Type`.
        var httpCharset: String?
    }

    /// A source that could not be read, with its exit code.
    struct LoadFailure: Error {
        var code: Int32
        var message: String
    }

    func run() async throws {
        let loaded: Loaded
        do {
            loaded = try await Self.load(source, allowPrivateNetworks: allowPrivateNetworks)
        } catch let failure as LoadFailure {
            throw Console.fail(failure.code, failure.message)
        }
        let feed: ParsedFeed
        do {
            feed = try FeedParser.parse(loaded.data, baseURL: loaded.baseURL, httpCharset: loaded.httpCharset)
        } catch {
            throw Console.fail(Exit.dataError, "\(displayName): \(error.description)")
        }
        for warning in feed.warnings { Console.warning("\(displayName): \(warning)") }
        let text = json ? feed.contractJSON.pretty + "\n" : Self.summary(feed)
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private var displayName: String { source == "-" ? "<stdin>" : source }

    /// Reads a source: a file, `-` (stdin), or an http(s) URL.
    ///
    /// The one place that knows where bytes come from; URL sources go to the daemon's fetcher.
    static func load(_ source: String, allowPrivateNetworks: Bool) async throws -> Loaded {
        let lower = source.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            // The daemon's fetcher with its default policy (CONTRACT §1: parse reads no config).
            var configuration = FetchConfiguration()
            configuration.allowPrivateNetworks = allowPrivateNetworks
            switch await HTTPClient.fetchOnce(FeedRequest(url: source), configuration: configuration) {
            case .ok(let response):
                return Loaded(data: response.body, baseURL: response.finalURL, httpCharset: response.charset)
            case .notModified(let response):
                return Loaded(data: response.body, baseURL: response.finalURL, httpCharset: response.charset)
            case .failed(let error):
                var message = error.description
                if error.kind == .forbiddenAddress { message += " (use --allow-private-networks for such a feed)" }
                throw LoadFailure(code: error.exitCode, message: message)
            }
        }
        // Files and stdin get the fetcher's body cap too (CONTRACT §2: over the cap exits 65).
        let cap = FetchConfiguration().maxBodyBytes
        if source == "-" {
            do {
                return Loaded(data: try LocalFeedReader.readStandardInput(cap: cap))
            } catch let error as FetchError {
                throw LoadFailure(code: error.exitCode, message: "<stdin>: \(error.message)")
            } catch {
                throw LoadFailure(code: Exit.noInput, message: "<stdin>: cannot be read")
            }
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
            throw LoadFailure(code: Exit.noInput, message: "\(source): no such file; give a feed file, - or a URL")
        }
        guard !isDirectory.boolValue else {
            throw LoadFailure(code: Exit.noInput, message: "\(source): is a directory, not a feed file")
        }
        do {
            return Loaded(data: try LocalFeedReader.read(path: source, cap: cap))
        } catch let error as FetchError {
            throw LoadFailure(code: error.exitCode, message: "\(source): \(error.message)")
        } catch {
            throw LoadFailure(code: Exit.noInput, message: "\(source): cannot be read (check its permissions)")
        }
    }

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
