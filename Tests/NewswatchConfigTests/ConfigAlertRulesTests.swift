import Foundation
import NewswatchConfig
import NewswatchCore
import Testing

/// The escalation, spike and operator-event keys (CONTRACT §10).
@Suite struct ConfigAlertRulesTests {
    static let base = """
        [daemon]
        feed_down_after = "5m"

        [[feeds]]
        url = "https://wire.example/rss"

        [[topics]]
        id = "gaza"
        query = "gaza"
        escalate_sources = 3
        spike_factor = 2.5
        spike_min_items = 8

        [[topics]]
        id = "plain"
        query = "plain"
        spike_factor = 3

        [[alerts.sinks]]
        type = "webhook"
        url = "https://hooks.example/ops"
        topics = []
        events = ["feed_down", "sink_failing"]

        """

    @Test func theKeysParse() throws {
        let config = try ConfigTestSupport.load(Self.base).config
        #expect(config.daemon.feedDownAfter.seconds == 300)
        #expect(config.topics[0].rules == TopicAlertRules(escalateSources: 3, spikeFactor: 2.5, spikeMinItems: 8))
        #expect(config.topics[1].rules == TopicAlertRules(spikeFactor: 3))
        #expect(config.sinks[0].common.events == [.feedDown, .sinkFailing])
        #expect(config.sinks[0].common.topics == [])
    }

    @Test func defaultsAreOffAndAnHour() throws {
        let config = try ConfigTestSupport.load("[[feeds]]\nurl = \"https://wire.example/rss\"\n").config
        #expect(config.daemon.feedDownAfter.seconds == 3600)
    }

    @Test func badValuesAreErrorsWithTheirKey() throws {
        let unknown = try ConfigTestSupport.error(
            Self.base.replacingOccurrences(of: "\"sink_failing\"]", with: "\"feed_dwn\"]"))
        #expect(unknown.description.contains("alerts.sinks[0].events[1]"))
        #expect(unknown.description.contains("did you mean 'feed_down'?"))
        let factor = try ConfigTestSupport.error(
            Self.base.replacingOccurrences(of: "spike_factor = 2.5", with: "spike_factor = 0.5"))
        #expect(factor.description.contains("spike_factor"))
        let threshold = try ConfigTestSupport.error(
            Self.base.replacingOccurrences(of: "escalate_sources = 3", with: "escalate_sources = 1"))
        #expect(threshold.description.contains("escalate_sources"))
    }
}
