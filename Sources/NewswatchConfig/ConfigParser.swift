import Foundation
import Logging
import NewswatchCore
import NewswatchParse
import TOMLKit

/// Turns the text of a config file into a validated `NewswatchConfig`, collecting every problem with its line.
///
/// The TOML is walked by hand rather than decoded with `Codable`: TOMLKit's decoder reports a wrong type as
/// "key not found" and ignores unknown keys, and both must be clear errors here.
final class ConfigParser {
    let fileName: String
    let baseDirectory: URL
    let environment: [String: String]
    let queries: QueryValidation
    /// Built on the first message that needs a line number: most configs have none, and scanning the text for
    /// every key's position was a quarter of the daemon's start-up on a 2,000-feed config.
    var locator: ConfigKeyLocator {
        if let builtLocator { return builtLocator }
        let built = ConfigKeyLocator(text: text)
        builtLocator = built
        return built
    }
    private var builtLocator: ConfigKeyLocator?
    /// Whether a message has needed the locator (a valid config never should: tests check it).
    var hasBuiltLocator: Bool { builtLocator != nil }
    let text: String
    var errors: [ConfigError] = []
    private(set) var warnings: [String] = []

    /// - Parameters:
    ///   - fileName: the path shown in messages.
    ///   - baseDirectory: what relative paths in the file are relative to (the file's directory).
    init(
        text: String, fileName: String, baseDirectory: URL, environment: [String: String], queries: QueryValidation
    ) {
        self.text = text
        self.fileName = fileName
        self.baseDirectory = baseDirectory
        self.environment = environment
        self.queries = queries
    }

    static let topLevelKeys = ["daemon", "digest", "feeds", "topics", "alerts", "metrics", "store"]
    static let daemonKeys = [
        "state_dir", "output_dir", "interval", "concurrency", "user_agent", "retention", "backfill",
        "allow_private_networks", "connect_timeout", "timeout", "max_body", "max_items", "log_level",
        "feed_down_after",
    ]
    static let digestKeys = ["time", "timezone", "formats"]
    static let feedKeys = ["url", "path", "opml", "name", "interval", "tags"]
    static let topicKeys =
        ["id", "name", "query", "exclude", "priority", "alert", "feeds"] + deliveryKeys + alertRuleKeys
    static let sinkCommonKeys = ["type", "topics", "max_per_hour", "events"]
    static let sinkKeys: [String: [String]] = [
        "webhook": ["url", "format", "secret_file", "token_file", "chat_id", "room"],
        "email": ["url", "from", "to", "username", "password_file", "batch"],
        "exec": ["command", "timeout"],
    ]
    static let logLevels = Logger.Level.allCases.map(\.rawValue)

    /// Parses and validates; throws the first problem (by line) with the others attached.
    func parse(origin: NewswatchConfig.Origin) throws(ConfigError) -> NewswatchConfig {
        let root: TOMLTable
        if let refused = TOMLNestingGuard.problem(in: text) {
            let message =
                switch refused.problem {
                case .tooDeepKey:
                    "a key with more than \(TOMLNestingGuard.maxKeyParts) dotted parts; no config key nests so deep"
                case .badTableHeader: "a table header must start with a key: write [name] or [[name]]"
                case .missingValue: "expected a value or ']' in the array"
                case .lineSeparator:
                    "a Unicode line or paragraph separator outside a string; TOML lines end with a plain newline"
                }
            throw ConfigError(
                kind: .syntax, file: fileName, line: refused.line, column: refused.column, message: message)
        }
        do {
            root = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw ConfigError(
                kind: .syntax, file: fileName, line: e.source.begin.line, column: e.source.begin.column,
                message: "invalid TOML: \(e.description)")
        } catch {
            throw ConfigError(kind: .syntax, file: fileName, message: "invalid TOML: \(error)")
        }
        // TOMLKit never frees a parsed document (`TOMLTable` has no deinit): empty it once everything is copied out,
        // or each start and reload keeps ~0.65 KB per feed for the life of the process (1.3 MB at 2,000 feeds,
        // issue 18). Nothing keeps a TOMLKit value past this function.
        defer { root.clear() }

        checkKeys(root, path: "", allowed: ConfigParser.topLevelKeys)
        let daemon = parseDaemon(table(root, "daemon", path: ""))
        let digest = parseDigest(table(root, "digest", path: ""))
        let feeds = parseFeeds(root, defaultInterval: daemon.interval)
        let topics = parseTopics(root, feeds: feeds, timeZone: digest.timeZone)
        let sinks = parseSinks(root, topicIDs: Set(topics.map(\.id)))
        let metrics = parseMetrics(table(root, "metrics", path: ""))
        let store = parseStore(table(root, "store", path: ""))

        if !errors.isEmpty {
            // Stable sort: file order first, problems without a line last.
            let sorted = errors.enumerated().sorted { a, b in
                let la = a.element.line ?? Int.max
                let lb = b.element.line ?? Int.max
                return la != lb ? la < lb : a.offset < b.offset
            }.map(\.element)
            var first = sorted[0]
            first.others = Array(sorted.dropFirst())
            throw first
        }
        var config = NewswatchConfig(
            origin: origin, daemon: daemon, digest: digest, feeds: feeds, topics: topics, sinks: sinks)
        config.metrics = metrics
        config.store = store
        return config
    }

    // MARK: - Sections

    func parseDaemon(_ t: TOMLTable?) -> DaemonSettings {
        var d = DaemonSettings(stateDirectory: DaemonSettings.defaultStateDirectory(environment: environment))
        guard let t else { return d }
        let p = "daemon"
        checkKeys(t, path: p, allowed: ConfigParser.daemonKeys)
        if let s = nonEmptyString(t, "state_dir", path: p) { d.stateDirectory = resolvePath(s, directory: true) }
        d.outputDirectory = d.stateDirectory
        if let s = nonEmptyString(t, "output_dir", path: p) { d.outputDirectory = resolvePath(s, directory: true) }
        if let v = duration(t, "interval", path: p, range: ConfigBounds.interval) { d.interval = v }
        if let v = int(t, "concurrency", path: p, range: 1...1024, example: 16) { d.concurrency = v }
        if let v = int(t, "max_items", path: p, range: ConfigBounds.maxItems, example: 1000) { d.maxItems = v }
        if let v = nonEmptyString(t, "user_agent", path: p) { d.userAgent = v }
        if let v = duration(t, "retention", path: p, range: ConfigBounds.retention) { d.retention = v }
        if let v = duration(t, "backfill", path: p, range: ConfigBounds.backfill) { d.backfill = v }
        if let v = duration(t, "feed_down_after", path: p, range: ConfigBounds.interval) { d.feedDownAfter = v }
        if let v = bool(t, "allow_private_networks", path: p) { d.allowPrivateNetworks = v }
        if let v = duration(t, "connect_timeout", path: p, range: ConfigBounds.connectTimeout) {
            d.connectTimeout = v
        }
        if let v = duration(t, "timeout", path: p, range: ConfigBounds.timeout) { d.timeout = v }
        if let s = string(t, "max_body", path: p) {
            if let size = ByteSize(s), ConfigBounds.maxBody.contains(size.bytes) {
                d.maxBody = size
            } else {
                fail(
                    .badSize, join(p, "max_body"),
                    "'\(s)' is not a size from 1KiB to 1GiB; write a number and a unit: 512KiB, 10MiB, 1GiB, 2MB")
            }
        }
        if let s = string(t, "log_level", path: p) {
            if let level = Logger.Level(rawValue: s) {
                d.logLevel = level
            } else {
                fail(
                    .invalidValue, join(p, "log_level"),
                    "'\(s)' is not a log level\(didYouMean(s, ConfigParser.logLevels)); use one of "
                        + ConfigParser.logLevels.joined(separator: ", "))
            }
        }
        return d
    }

    func parseDigest(_ t: TOMLTable?) -> DigestSettings {
        var d = DigestSettings()
        guard let t else { return d }
        let p = "digest"
        checkKeys(t, path: p, allowed: ConfigParser.digestKeys)
        if let s = string(t, "time", path: p) {
            if let time = DigestTime(s) {
                d.time = time
            } else {
                fail(.invalidValue, join(p, "time"), "'\(s)' is not a time of day; write HH:MM, 00:00 to 23:59")
            }
        }
        if let s = string(t, "timezone", path: p) {
            // UTC without ICU's zone data (~1.7 MiB more resident, issue 18): `.gmt` equals `TimeZone(identifier:
            // "UTC")` (both named GMT on Linux).
            if let zone = s == "UTC" || s == "GMT" ? TimeZone.gmt : TimeZone(identifier: s) {
                d.timeZone = zone
            } else {
                let hint = didYouMean(s, TimeZone.knownTimeZoneIdentifiers)
                fail(
                    .badTimeZone, join(p, "timezone"),
                    "unknown time zone '\(s)'\(hint); use an IANA name such as 'UTC', 'Europe/London' or "
                        + "'Asia/Jerusalem'")
            }
        }
        if let list = stringArray(t, "formats", path: p) {
            var formats: [DigestFormat] = []
            let valid = DigestFormat.allCases.map(\.rawValue)
            for (i, s) in list.enumerated() {
                guard let f = DigestFormat(rawValue: s) else {
                    fail(
                        .invalidValue, "\(join(p, "formats"))[\(i)]",
                        "'\(s)' is not a digest format\(didYouMean(s, valid)); use md, html or json")
                    continue
                }
                if formats.contains(f) {
                    fail(.duplicate, "\(join(p, "formats"))[\(i)]", "'\(s)' is listed twice; list each format once")
                } else {
                    formats.append(f)
                }
            }
            if list.isEmpty {
                fail(.invalidValue, join(p, "formats"), "no digest format; list at least one of md, html, json")
            } else if formats.count == list.count {
                d.formats = formats
            }
        }
        return d
    }

    func parseFeeds(_ root: TOMLTable, defaultInterval: ConfigDuration) -> [FeedConfig] {
        var feeds: [FeedConfig] = []
        var seen: [String: String] = [:]  // feed key → where it was first listed
        var names: [String: String] = [:]
        for (i, t) in arrayOfTables(root, "feeds", path: "").enumerated() {
            let p = "feeds[\(i)]"
            checkKeys(t, path: p, allowed: ConfigParser.feedKeys)
            let present = ["url", "path", "opml"].filter { t[$0] != nil }
            guard present.count == 1 else {
                let found = present.isEmpty ? "none" : present.joined(separator: " and ")
                fail(
                    .feedSource, p,
                    "a [[feeds]] entry needs exactly one of url, path or opml (found \(found))")
                continue
            }
            let interval = duration(t, "interval", path: p, range: ConfigBounds.interval)
            let tags = parseTags(t, path: p)
            let name = nonEmptyString(t, "name", path: p)
            switch present[0] {
            case "url":
                guard let s = string(t, "url", path: p), let url = httpURL(s, path: join(p, "url"), what: "feed")
                else { continue }
                let feed = FeedConfig(
                    source: .url(url), name: name, interval: interval ?? defaultInterval,
                    intervalIsOverride: interval != nil, tags: tags)
                if add(feed, at: p, seen: &seen, names: &names) { feeds.append(feed) }
            case "path":
                guard let s = nonEmptyString(t, "path", path: p),
                    let file = existingFile(s, path: join(p, "path"), what: "feed file")
                else { continue }
                let feed = FeedConfig(
                    source: .file(file), name: name, interval: interval ?? defaultInterval,
                    intervalIsOverride: interval != nil, tags: tags)
                if add(feed, at: p, seen: &seen, names: &names) { feeds.append(feed) }
            default:
                if name != nil {
                    fail(
                        .invalidValue, join(p, "name"),
                        "an opml entry takes each feed's name from the OPML file; remove name here")
                }
                guard let s = nonEmptyString(t, "opml", path: p),
                    let file = existingFile(s, path: join(p, "opml"), what: "OPML file")
                else { continue }
                for feed in opmlFeeds(
                    file, path: join(p, "opml"), interval: interval, default: defaultInterval,
                    tags: tags)
                {
                    if let first = seen[feed.key] {
                        warnings.append(
                            "\(file.path): \(feed.source) is already listed by \(placeOf(first)); using the first entry"
                        )
                        continue
                    }
                    seen[feed.key] = "\(file.lastPathComponent) (\(p))"
                    feeds.append(feed)
                }
            }
        }
        return feeds
    }

    /// Records a `[[feeds]]` url/path entry; a feed or name listed twice is an error.
    /// `seen` and `names` map a feed key / name to the key path that first listed it; its line is looked up only
    /// for the message when a second one turns up.
    func add(
        _ feed: FeedConfig, at p: String, seen: inout [String: String], names: inout [String: String]
    ) -> Bool {
        if let first = seen[feed.key] {
            // The key has no user-info: entries that differ only in their credentials are one feed.
            let note = URLRedaction.hasUserInfo(feed.source.description) ? " (user-info aside, the URLs are equal)" : ""
            fail(.duplicate, p, "\(feed.source) is already listed by \(placeOf(first))\(note); list each feed once")
            return false
        }
        seen[feed.key] = p
        if let name = feed.name {
            if let first = names[name] {
                fail(
                    .duplicate, join(p, "name"),
                    "the name '\(name)' is already used by \(placeOf(first)); feed names must be unique (topics refer to them)"
                )
            } else {
                names[name] = p
            }
        }
        return true
    }

    func opmlFeeds(
        _ file: URL, path: String, interval: ConfigDuration?, default defaultInterval: ConfigDuration, tags: [String]
    ) -> [FeedConfig] {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: file))
        } catch {
            fail(.missingFile, path, "cannot read the OPML file \(file.path): \(error.localizedDescription)")
            return []
        }
        let outlines: [OPMLParser.Feed]
        do {
            outlines = try OPMLParser.parse(bytes)
        } catch {
            fail(.badOPML, path, "\(file.path) is not a usable OPML file: \(error.description)")
            return []
        }
        var feeds: [FeedConfig] = []
        for outline in outlines {
            guard let url = URL(string: outline.url), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", url.host?.isEmpty == false
            else {
                warnings.append("\(file.path): skipping '\(URLRedaction.redact(outline.url))': not an http(s) URL")
                continue
            }
            feeds.append(
                FeedConfig(
                    source: .url(url), name: outline.title, interval: interval ?? defaultInterval,
                    intervalIsOverride: interval != nil, tags: tags, opml: file))
        }
        if feeds.isEmpty { warnings.append("\(file.path): the OPML file lists no http(s) feeds") }
        return feeds
    }

    func parseTags(_ t: TOMLTable, path p: String) -> [String] {
        guard let list = stringArray(t, "tags", path: p) else { return [] }
        var tags: [String] = []
        for (i, tag) in list.enumerated() {
            if tag.isEmpty || tag.contains(where: { $0.isWhitespace || $0 == "," }) {
                fail(
                    .invalidValue, "\(join(p, "tags"))[\(i)]",
                    "'\(tag)' is not a tag; a tag is one word without spaces or commas, e.g. middle-east")
            } else if !tags.contains(tag) {
                tags.append(tag)
            }
        }
        return tags
    }

    func parseTopics(_ root: TOMLTable, feeds: [FeedConfig], timeZone: TimeZone = .gmt) -> [TopicDefinition] {
        var topics: [TopicDefinition] = []
        var ids: [String: String] = [:]
        let feedNames = Set(feeds.compactMap(\.name))
        let tags = Set(feeds.flatMap(\.tags))
        for (i, t) in arrayOfTables(root, "topics", path: "").enumerated() {
            let p = "topics[\(i)]"
            checkKeys(t, path: p, allowed: ConfigParser.topicKeys)
            var ok = true
            let id = requiredString(t, "id", path: p)
            if let id {
                if !ConfigParser.isValidTopicID(id) {
                    ok = false
                    fail(
                        .badTopicID, join(p, "id"),
                        "'\(id)' is not a valid topic id; use lower-case letters, digits and dashes, starting with "
                            + "a letter or digit, at most 64 characters (e.g. '\(ConfigParser.slug(id))')")
                } else if let first = ids[id] {
                    ok = false
                    fail(
                        .duplicate, join(p, "id"),
                        "the topic id '\(id)' is already used by \(placeOf(first)); ids must be unique")
                } else {
                    // The key path only: its line is looked up for the message if a duplicate turns up (looking it
                    // up here built the key locator on every start, 3.5 % of an all-304 round; issue 18).
                    ids[id] = p
                }
            } else {
                ok = false
            }
            let name = nonEmptyString(t, "name", path: p)
            let query = requiredString(t, "query", path: p)
            if let query { ok = checkQuery(query, path: join(p, "query")) && ok } else { ok = false }
            let exclude = nonEmptyString(t, "exclude", path: p)
            if let exclude { ok = checkQuery(exclude, path: join(p, "exclude")) && ok }
            var priority = Priority.normal
            if let s = string(t, "priority", path: p) {
                if let pr = Priority(rawValue: s) {
                    priority = pr
                } else {
                    ok = false
                    let valid = Priority.allCases.map(\.rawValue)
                    fail(
                        .badPriority, join(p, "priority"),
                        "'\(s)' is not a priority\(didYouMean(s, valid)); use low, normal or high")
                }
            }
            let alert = bool(t, "alert", path: p) ?? true
            let delivery = parseDelivery(t, path: p, alert: alert, timeZone: timeZone)
            if delivery == nil { ok = false }
            let filters = stringArray(t, "feeds", path: p) ?? []
            for (j, f) in filters.enumerated() {
                let fp = "\(join(p, "feeds"))[\(j)]"
                if f.hasPrefix("tag:") {
                    let tag = String(f.dropFirst(4))
                    if !tags.contains(tag) {
                        ok = false
                        fail(
                            .unknownFeedReference, fp,
                            "no feed has the tag '\(tag)'\(didYouMean(f, tags.sorted().map { "tag:" + $0 })); add it to a "
                                + "feed's tags or fix the filter")
                    }
                } else if !feedNames.contains(f) {
                    ok = false
                    fail(
                        .unknownFeedReference, fp,
                        "no feed is named '\(f)'\(didYouMean(f, feedNames.sorted())); use a feed's name or tag:TAG")
                }
            }
            let rules = parseAlertRules(t, path: p)
            if ok, let id, let query {
                topics.append(
                    TopicDefinition(
                        id: id, name: name ?? id, query: query, exclude: exclude, priority: priority,
                        alert: alert && delivery?.mode != .digest, feeds: filters, delivery: delivery ?? .immediate))
                topics[topics.count - 1].rules = rules
            }
        }
        return topics
    }

    /// Validates one query; a problem is reported at the query's own column where the file allows it.
    func checkQuery(_ query: String, path: String) -> Bool {
        if query.allSatisfy(\.isWhitespace) {
            fail(.badQuery, path, "the query is empty; write the words to match, e.g. 'Gaza OR \"Gaza Strip\"'")
            return false
        }
        guard let problem = queries.check(query) else { return true }
        let place = locator.position(of: path, textLine: problem.line, characterOffset: problem.column)
        let within =
            problem.line > 1 ? "line \(problem.line), column \(problem.column)" : "column \(problem.column)"
        fail(
            .badQuery, path, "query error at \(within) of the query: \(problem.message)", line: place?.line,
            column: place?.column)
        return false
    }
}
