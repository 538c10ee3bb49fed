import Foundation
import NewswatchCore
import Testing

@testable import NewswatchAlerts

/// `kind` in the record, what an update or a spike says in each format, and operator events (CONTRACT §4, §10).
@Suite struct AlertKindPayloadTests {
    static var update: Alert {
        var alert = Alert.sample(sources: 3)
        alert.kind = .update
        alert.extra = AlertExtra(previousSources: 1)
        return alert
    }

    static var spike: Alert {
        var alert = Alert.sample(
            title: "Spike: 12 items on Gaza war in the last hour", link: nil, feed: "newswatch", terms: [],
            summary: nil, sources: 0)
        alert.kind = .spike
        alert.extra = AlertExtra(itemsLastHour: 12, baseline: 2.142857)
        return alert
    }

    static let event = OperatorEvent(
        id: "e1", kind: .feedDown, feed: "Wire <A>", url: "https://***@wire.example/rss",
        since: Timestamp.date(year: 2026, month: 11, day: 24, hour: 6), error: "HTTP 500",
        at: Timestamp.date(year: 2026, month: 11, day: 24, hour: 7))

    @Test func everyRecordEndsWithItsKind() {
        let json = Alert.sample().json.compact
        #expect(json.hasSuffix(#""story":"story-9","sources":1,"kind":"new"}"#))
        #expect(Self.update.json.compact.hasSuffix(#""sources":3,"kind":"update","previous_sources":1}"#))
        #expect(
            Self.spike.json.compact.hasSuffix(
                #""story":null,"sources":null,"kind":"spike","items_last_hour":12,"baseline":2.14}"#))
    }

    @Test func anUpdateSaysWhatChangedInEveryFormat() throws {
        let line = "Update: now 3 sources (was 1)"
        #expect(AlertPayload.slackText(Self.update).contains(line))
        #expect(AlertPayload.chatText(.alert(Self.update)).contains(line))
        #expect(AlertPayload.chatHTML(.alert(Self.update), newline: "\n").contains(line))
        #expect(
            String(decoding: AlertPayload.teams(.alert(Self.update)), as: UTF8.self).contains("now 3 sources (was 1)"))
        let mail = AlertPayload.email(.alert(Self.update), from: "nw@example.org", to: ["desk@example.org"], date: .now)
        #expect(mail.body.contains(line))
        #expect(mail.subject == "[newswatch] Gaza war: Update (3 sources): Strikes & talks: <Rafah> crossing")
        let ntfy = WebhookAlertSink.ntfyHeaders(.alert(Self.update))
        #expect(ntfy.first { $0.name == "Title" }?.value == "Update (3 sources): Strikes & talks: <Rafah> crossing")
        #expect(!AlertPayload.chatText(.alert(.sample())).contains("Update:"), "a new alert has no change line")
    }

    @Test func aSpikeSaysHowManyAgainstWhatIsUsual() {
        let text = AlertPayload.chatText(.alert(Self.spike))
        #expect(text.contains("Spike: 12 items in the last hour (usual for this hour: 2.1)"))
        #expect(AlertPayload.slackText(Self.spike).contains("usual for this hour: 2.1"))
    }

    @Test func anEventRendersInEveryFormatEscaped() throws {
        let json = try #require(
            try JSONSerialization.jsonObject(with: AlertPayload.json(.event(Self.event))) as? [String: Any])
        #expect(Set(json.keys) == ["id", "kind", "feed", "url", "since", "error"])
        #expect(json["since"] as? String == "2026-11-24T06:00:00Z")
        let text = AlertPayload.chatText(.event(Self.event))
        #expect(
            text == "⚠ Feed down: Wire <A>\nhttps://***@wire.example/rss\nSince: 2026-11-24T06:00:00Z\nError: HTTP 500")
        #expect(AlertPayload.slackText(.event(Self.event)).contains("Feed down: Wire &lt;A&gt;"))
        #expect(AlertPayload.chatHTML(.event(Self.event), newline: "<br>").contains("Wire &lt;A&gt;<br>"))
        #expect(String(decoding: AlertPayload.teams(.event(Self.event)), as: UTF8.self).contains("Feed down"))
        let mail = AlertPayload.email(.event(Self.event), from: "nw@example.org", to: ["ops@example.org"], date: .now)
        #expect(mail.subject == "[newswatch] Feed down: Wire <A>")
        let ntfy = WebhookAlertSink.ntfyHeaders(.event(Self.event))
        #expect(ntfy.first { $0.name == "Title" }?.value == "Feed down: Wire <A>")
        #expect(ntfy.first { $0.name == "Priority" }?.value == "high")
        #expect(
            AlertPayload.matrixTransactionID(.event(Self.event))
                != AlertPayload.matrixTransactionID(.alert(.sample())))
    }
}
