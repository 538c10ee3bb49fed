import Foundation

/// Queries parsed while a config was checked, kept for the matcher compiled next from that config, so each topic
/// query is parsed once per load instead of once to validate and again to compile (issue 18: the all-304 round's
/// start-up).
///
/// Parsing is a pure function of the text, so an entry is exactly what parsing again would give, whoever kept it.
/// A compile takes what it uses and empties the memo, so nothing outlives the load it belongs to; a check that is
/// never compiled (`check-config`, a rejected reload) leaves at most one config's queries until the next compile.
public final class ParsedQueryMemo: @unchecked Sendable {
    /// The memo `QueryValidation.standard` fills and `TopicMatcher(topics:)` takes from.
    public static let shared = ParsedQueryMemo()

    // Owner: this object; `kept` and `parses` are read and written only under `lock`.
    private let lock = NSLock()
    private var kept: [String: Query] = [:]
    /// Texts parsed through this memo (for tests: a compile after a check parses nothing again).
    private var parses = 0

    init() {}

    /// Parses `text` (to validate it) and keeps the result for the next compile.
    public func parseAndKeep(_ text: String) throws(QueryError) -> Query {
        let query = try parse(text)
        lock.withLock { kept[text] = query }
        return query
    }

    /// The query a check kept for `text`, or `text` parsed now.
    func take(_ text: String) throws(QueryError) -> Query {
        if let query = lock.withLock({ kept.removeValue(forKey: text) }) { return query }
        return try parse(text)
    }

    /// Drops whatever a check kept and no compile took (a compile is done).
    func clear() {
        lock.withLock { kept.removeAll() }
    }

    /// How many texts were parsed through this memo, and how many results it holds.
    var counts: (parses: Int, kept: Int) { lock.withLock { (parses, kept.count) } }

    private func parse(_ text: String) throws(QueryError) -> Query {
        lock.withLock { parses += 1 }
        return try QueryParser.parse(text)
    }
}
