extension DemoRunner.Report {
    /// What `demo` prints: the round, the alerts by topic, the files written, and what to do next.
    var summary: String {
        var out = "newswatch demo: polled \(round.feeds) sample feeds over loopback"
        out += " (\(round.newItems) items, \(round.failed) failed)\n\n"
        let byTopic = Dictionary(grouping: alerts, by: \.topicName)
        if alerts.isEmpty { out += "No alerts.\n" }
        for (topic, alerts) in byTopic.sorted(by: { $0.key < $1.key }) {
            out += "\(topic): \(alerts.count) alert\(alerts.count == 1 ? "" : "s")\n"
            for a in alerts {
                let sources = a.sources > 1 ? " [\(a.sources) sources]" : ""
                out += "  - \(a.title ?? "(untitled)") — \(a.feed)\(sources)\n"
                out += "    matched: \(a.terms.joined(separator: ", "))\n"
            }
            out += "\n"
        }
        out += "Files:\n"
        for f in alertFiles + digestFiles { out += "  \(f.path)\n" }
        out += """

            Next: edit topics and feeds in a config file (see Config/newswatch.toml), check it with
            `newswatch check-config --config FILE`, then run the daemon with `newswatch run --config FILE`
            (or install the systemd unit: README, "Running as a service").

            """
        return out
    }
}
