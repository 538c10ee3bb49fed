import Foundation
import NewswatchCore
import Testing

@testable import NewswatchDigest

/// What every format shares: bytes that depend only on the data, stable ordering, derived counts.
@Suite struct DigestRenderingTests {
    @Test(arguments: DigestFormat.allCases)
    func rerenderingGivesIdenticalBytes(_ format: DigestFormat) {
        let first = format.render(DigestSamples.day())
        #expect(format.render(DigestSamples.day()) == first)
        // The order the store happens to supply stories and sources in does not matter.
        var shuffled = DigestSamples.day()
        for t in shuffled.topics.indices {
            shuffled.topics[t].stories.reverse()
            for s in shuffled.topics[t].stories.indices { shuffled.topics[t].stories[s].sources.reverse() }
        }
        shuffled.feedHealth.failed.reverse()
        #expect(format.render(shuffled) == first)
        // And the data does: one more source changes the bytes.
        var changed = DigestSamples.day()
        changed.topics[1].stories[0].sources.append(
            DigestSamples.source("Another", "another.example", "x", "2026-11-24T21:00:00Z"))
        #expect(format.render(changed) != first)
    }

    @Test func storiesOrderedBySourcesThenRecencyThenID() {
        let p = DigestSamples.period
        func story(_ id: String, sources: Int, seen: String) -> DigestStory {
            DigestStory(
                id: id, title: "Story \(id)", link: "https://x.example/\(id)", firstSeen: DigestSamples.at(seen),
                sources: (0..<sources).map {
                    DigestSamples.source("Feed \($0)", "f\($0).example", id, seen)
                })
        }
        let stories = [
            story("a", sources: 1, seen: "2026-11-24T20:00:00Z"),
            story("b", sources: 3, seen: "2026-11-24T06:00:00Z"),
            story("c", sources: 1, seen: "2026-11-24T08:00:00Z"),
            story("0", sources: 1, seen: "2026-11-24T20:00:00Z"),
            story("d", sources: 2, seen: "2026-11-24T10:00:00Z"),
        ]
        let topic = DigestTopic(id: "t", name: "T", priority: .normal, stories: stories, period: p)
        #expect(topic.orderedStories.map(\.id) == ["b", "d", "0", "a", "c"])
        let data = DigestData(period: p, topics: [topic])
        for format in DigestFormat.allCases {
            let text = String(decoding: format.render(data), as: UTF8.self)
            let positions = ["b", "d", "0", "a", "c"].map { text.range(of: "Story \($0)")!.lowerBound }
            #expect(positions == positions.sorted(), "\(format)")
        }
    }

    @Test func countsAndHourlyVolumeComeFromFirstSeenTimes() {
        // A DST day: 2026-10-25 in Jerusalem has 25 hours (04:00Z → 05:00Z next day).
        let p = DigestSamples.schedule.period(issuedOn: DigestDate("2026-10-25")!)
        #expect(p.hourStarts.count == 25)
        let inside = DigestSamples.source("A", "a.example", "1", "2026-10-24T04:00:00Z")
        let lastHour = DigestSamples.source("B", "b.example", "2", "2026-10-25T04:59:59Z")
        let before = DigestSamples.source("C", "c.example", "3", "2026-10-24T03:59:59Z")
        let after = DigestSamples.source("D", "d.example", "4", "2026-10-25T05:00:00Z")
        let story = DigestStory(
            id: "s", title: "t", link: nil, firstSeen: inside.firstSeen, sources: [inside, lastHour, before, after])
        let topic = DigestTopic(id: "t", name: "T", priority: .low, stories: [story], period: p)
        #expect(topic.itemCount == 2)
        #expect(topic.storyCount == 1)
        #expect(topic.hourlyVolume.count == 25)
        #expect(topic.hourlyVolume[0] == 1 && topic.hourlyVolume[24] == 1)
        #expect(topic.hourlyVolume.reduce(0, +) == 2)
        // The repeated local hour shows twice in the Markdown chart: 01:00 IDT and 01:00 IST.
        let md = DigestMarkdownRenderer.render(DigestData(period: p, topics: [topic]))
        #expect(md.components(separatedBy: "\n").filter { $0.hasPrefix("01:00 ") }.count == 2)
        #expect(md.contains("(UTC+03:00 to UTC+02:00), 25 hours."))
    }

    @Test func emptyTopicSaysNothingToday() throws {
        let p = DigestSamples.period
        let data = DigestData(
            period: p,
            topics: [DigestTopic(id: "quiet", name: "Quiet", priority: .normal, stories: [], period: p)])
        let md = DigestMarkdownRenderer.render(data)
        #expect(
            md.contains("## Quiet\n\nNormal priority. 0 items in 0 stories; no 7-day average yet.\n\nNothing today"))
        #expect(!md.contains("```"))
        #expect(md.contains("Every feed was fetched without error, and none went silent."))
        let html = DigestHTMLRenderer.render(data)
        #expect(html.contains("<p class=\"empty\">Nothing today"))
        #expect(!html.contains("<svg"))
        let json = DigestJSONRenderer.json(data)
        guard case .object(let root) = json, case .array(let topics)? = root.first(where: { $0.0 == "topics" })?.1,
            case .object(let quiet)? = topics.first
        else {
            Issue.record("unexpected JSON")
            return
        }
        #expect(quiet.first { $0.0 == "stories" }?.1 == .array([]))
    }
}
