import Foundation
import NewswatchCore
import TOMLKit

// Escalation, spikes and operator events (CONTRACT §10): the topic, sink and daemon keys.
extension ConfigParser {
    /// The topic keys of escalation and spikes.
    static let alertRuleKeys = ["escalate_sources", "spike_factor", "spike_min_items"]

    /// A topic's `escalate_sources`, `spike_factor` and `spike_min_items`.
    func parseAlertRules(_ t: TOMLTable, path p: String) -> TopicAlertRules {
        var rules = TopicAlertRules()
        rules.escalateSources = int(t, "escalate_sources", path: p, range: 2...10_000, example: 3)
        if let v = t["spike_factor"] {
            if let d = v.double ?? v.int.map(Double.init), d >= 1, d <= 1000 {
                rules.spikeFactor = d
            } else {
                fail(.invalidValue, join(p, "spike_factor"), "spike_factor must be a number from 1 to 1000, e.g. 3.0")
            }
        }
        if let n = int(t, "spike_min_items", path: p, range: 1...1_000_000, example: 5) { rules.spikeMinItems = n }
        return rules
    }

    /// A sink's `events` list (default none).
    func parseSinkEvents(_ t: TOMLTable, path p: String) -> Set<OperatorEventKind> {
        guard let names = stringArray(t, "events", path: p) else { return [] }
        var kinds = Set<OperatorEventKind>()
        let valid = OperatorEventKind.allCases.map(\.rawValue)
        for (j, name) in names.enumerated() {
            if let kind = OperatorEventKind(rawValue: name) {
                kinds.insert(kind)
            } else {
                fail(
                    .invalidValue, "\(join(p, "events"))[\(j)]",
                    "unknown event '\(name)'\(didYouMean(name, valid)); use " + valid.joined(separator: ", "))
            }
        }
        return kinds
    }
}
