import Foundation
import NewswatchAlerts
import NewswatchConfig
import Testing

@testable import NewswatchDaemon

/// `newswatch_sink_*{sink}` labels: one per configured sink, as `status` tells them apart (type, target, outbox id),
/// never with a URL path or token.
@Suite struct SinkLabelTests {
    @Test func twoSinksOnOneHostGetDistinctLabelsWithoutTheirPaths() throws {
        func hook(_ path: String) -> SinkConfig {
            .webhook(.init(url: URL(string: "https://hooks.example.org/services/\(path)?token=TOKEN")!, format: .json))
        }
        var config = NewswatchConfig(
            origin: .embedded, daemon: DaemonSettings(stateDirectory: URL(fileURLWithPath: "/x")))
        config.sinks = [hook("T0/B0/SECRETONE"), hook("T0/B1/SECRETTWO")]
        let labels = NewswatchMetrics.sinkLabels(config)
        #expect(labels.count == 3, "\(labels)")
        #expect(Set(labels.values).count == 3, "two sinks share a label: \(labels)")
        #expect(labels["file"] == "file")
        for sink in config.sinks {
            let id = ConfiguredSink.stableID(sink)
            let label = try #require(labels[id])
            #expect(label == "webhook https://hooks.example.org/… (\(id))")
            #expect(!label.contains("SECRET") && !label.contains("TOKEN") && !label.contains("services"), "\(label)")
        }
    }
}
