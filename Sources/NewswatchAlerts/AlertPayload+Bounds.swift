import NewswatchCore

extension AlertPayload {
    /// The longest title a sink receives, in characters; a longer one is cut on a character boundary with "…".
    package static let maxTitleCharacters = 1_000
    /// The longest link a sink receives, in UTF-8 bytes; a longer one is dropped (a cut URL points elsewhere).
    package static let maxLinkBytes = 4_096

    /// `alert` as sinks may carry it: the title bounded, the link only when it is http(s) and not oversized
    /// (a `javascript:` or `data:` link must never become clickable in a chat or an email).
    package static func bounded(_ alert: Alert) -> Alert {
        var alert = alert
        alert.title = alert.title.map(boundedTitle)
        if let link = alert.link {
            let lower = link.prefix(8).lowercased()
            let web = lower.hasPrefix("http://") || lower.hasPrefix("https://")
            if !web || link.utf8.count > maxLinkBytes { alert.link = nil }
        }
        return alert
    }

    /// `title` cut to ``maxTitleCharacters`` on a character boundary, with "…".
    static func boundedTitle(_ title: String) -> String {
        guard title.utf8.count > maxTitleCharacters, title.count > maxTitleCharacters else { return title }
        return String(title.prefix(maxTitleCharacters - 1)) + "…"
    }

    /// Every alert of `message` bounded (`bounded(_:)`), and a summary's sample titles.
    static func bounded(_ message: SinkMessage) -> SinkMessage {
        switch message {
        case .alert(let alert): return .alert(bounded(alert))
        case .batch(let alerts): return .batch(alerts.map { bounded($0) })
        case .topicBatch(var batch):
            batch.alerts = batch.alerts.map { bounded($0) }
            return .topicBatch(batch)
        case .summary(var summary):
            // Its sample titles come from the store unbounded: each is cut as an alert's title is.
            summary.sampleTitles = summary.sampleTitles.map(boundedTitle)
            return .summary(summary)
        case .event: return message
        }
    }
}
