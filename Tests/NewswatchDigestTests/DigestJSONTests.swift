import Foundation
import NewswatchCore
import Testing

@testable import NewswatchDigest

/// The JSON digest, validated against the shape documented on `DigestJSONRenderer`.
@Suite struct DigestJSONTests {
    /// The documented shape.
    indirect enum Shape: Sendable {
        case object([(String, Shape)])
        case array(Shape)
        case string, timestamp, int, number
        case nullable(Shape)
    }

    static let source = Shape.object([
        ("feed", .string), ("feed_url", .nullable(.string)), ("title", .nullable(.string)),
        ("link", .nullable(.string)), ("first_seen", .timestamp), ("published", .nullable(.timestamp)),
    ])
    static let story = Shape.object([
        ("story", .string), ("alert", .nullable(.string)), ("title", .nullable(.string)), ("link", .nullable(.string)),
        ("first_seen", .timestamp), ("terms", .array(.string)), ("summary", .nullable(.string)),
        ("sources", .array(source)),
    ])
    static let topic = Shape.object([
        ("id", .string), ("name", .string), ("priority", .string),
        (
            "counts",
            .object([
                ("items", .int), ("stories", .int), ("average_items", .nullable(.number)),
                ("average_stories", .nullable(.number)),
            ])
        ),
        ("hourly", .array(.object([("start", .timestamp), ("items", .int)]))),
        ("stories", .array(story)),
    ])
    static let digest = Shape.object([
        ("date", .string), ("timezone", .string), ("digest_time", .string),
        ("period", .object([("start", .timestamp), ("end", .timestamp), ("hours", .number)])),
        ("topics", .array(topic)),
        (
            "feed_health",
            .object([
                (
                    "failed",
                    .array(
                        .object([
                            ("feed", .string), ("url", .nullable(.string)), ("failures", .int),
                            ("last_failure", .nullable(.timestamp)),
                            ("errors", .array(.object([("message", .string), ("count", .int)]))),
                        ]))
                ),
                (
                    "silent",
                    .array(
                        .object([
                            ("feed", .string), ("url", .nullable(.string)), ("last_new_item", .nullable(.timestamp)),
                        ]))
                ),
                (
                    "slowest",
                    .array(
                        .object([
                            ("feed", .string), ("url", .nullable(.string)), ("detection_delay_p50", .int),
                            ("detection_delay_p95", .int), ("items", .int),
                        ]))
                ),
            ])
        ),
    ])

    /// Checks `value` (from JSONSerialization) against `shape`, recording an issue per mismatch.
    func validate(_ value: Any, _ shape: Shape, _ path: String) {
        switch shape {
        case .nullable(let inner):
            if value is NSNull { return }
            validate(value, inner, path)
        case .object(let members):
            guard let dict = value as? [String: Any] else {
                Issue.record("\(path): not an object")
                return
            }
            #expect(Set(dict.keys) == Set(members.map(\.0)), "\(path): keys \(dict.keys.sorted())")
            for (key, inner) in members {
                guard let v = dict[key] else { continue }
                validate(v, inner, path + "." + key)
            }
        case .array(let inner):
            guard let array = value as? [Any] else {
                Issue.record("\(path): not an array")
                return
            }
            for (i, v) in array.enumerated() { validate(v, inner, "\(path)[\(i)]") }
        case .string:
            #expect(value is String, "\(path): not a string")
        case .timestamp:
            #expect((value as? String).flatMap(Timestamp.parse) != nil, "\(path): not a UTC timestamp: \(value)")
        case .int:
            #expect(numberType(value).map { "ilqsIQLS".contains($0) } == true, "\(path): not an integer: \(value)")
        case .number:
            #expect(numberType(value).map { "ilqsIQLSdf".contains($0) } == true, "\(path): not a number: \(value)")
        }
    }

    /// The `objCType` of a parsed number (`c` for true/false, `i`/`q` integers, `d` doubles); `nil` otherwise.
    /// (`is Bool` cannot tell 0 and 1 from false and true here.)
    func numberType(_ value: Any) -> String? {
        guard let n = value as? NSNumber else { return nil }
        return String(cString: n.objCType)
    }

    /// The keys of every object in the text, in the order written, must follow the documented order.
    func keyOrder(_ value: JSONValue, _ shape: Shape, _ path: String) {
        switch (value, shape) {
        case (_, .nullable(let inner)):
            if value != .null { keyOrder(value, inner, path) }
        case (.object(let members), .object(let documented)):
            #expect(members.map(\.0) == documented.map(\.0), "\(path)")
            for ((_, v), (_, s)) in zip(members, documented) { keyOrder(v, s, path) }
        case (.array(let items), .array(let inner)):
            for item in items { keyOrder(item, inner, path + "[]") }
        default:
            break
        }
    }

    @Test(arguments: ["day", "hostile", "empty"])
    func matchesTheDocumentedShape(_ sample: String) throws {
        let data: DigestData
        switch sample {
        case "day": data = DigestSamples.day()
        case "hostile": data = DigestSamples.hostile()
        default: data = DigestData(period: DigestSamples.period, topics: [])
        }
        let text = DigestJSONRenderer.render(data)
        #expect(text.hasSuffix("}\n"))
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        validate(parsed, Self.digest, "$")
        keyOrder(DigestJSONRenderer.json(data), Self.digest, "$")
    }

    @Test func carriesTheSameDataAsTheOtherFormats() throws {
        let text = DigestJSONRenderer.render(DigestSamples.day())
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(root["date"] as? String == "2026-11-25")
        #expect(root["timezone"] as? String == "Asia/Jerusalem")
        #expect(root["digest_time"] as? String == "07:00")
        let period = try #require(root["period"] as? [String: Any])
        #expect(period["start"] as? String == "2026-11-24T05:00:00Z")
        #expect(period["hours"] as? Int == 24)
        let topics = try #require(root["topics"] as? [[String: Any]])
        #expect(topics.map { $0["id"] as? String } == ["gaza", "us-israel", "lebanon"])
        let gaza = topics[0]
        let counts = try #require(gaza["counts"] as? [String: Any])
        #expect(counts["items"] as? Int == 7)
        #expect(counts["stories"] as? Int == 4)
        #expect(counts["average_items"] as? Double == 5.285714)
        let hourly = try #require(gaza["hourly"] as? [[String: Any]])
        #expect(hourly.count == 24)
        #expect(hourly.compactMap { $0["items"] as? Int }.reduce(0, +) == 7)
        let stories = try #require(gaza["stories"] as? [[String: Any]])
        // Shared ids with the alert files: `story` and the alert's `id`.
        #expect(stories.map { $0["story"] as? String } == ["st-7f3a", "st-1b22", "st-0c91", "st-44d0"])
        #expect(
            stories.map { $0["alert"] as? String } == ["al-gaza-7f3a", "al-gaza-1b22", "al-gaza-0c91", "al-gaza-44d0"])
        let sources = try #require(stories[0]["sources"] as? [[String: Any]])
        #expect(sources.map { $0["feed"] as? String } == ["Example World", "Daily Wire Service", "Levant Times"])
        #expect(stories[2]["summary"] is NSNull)
        #expect(((stories[3]["summary"] as? String)?.count ?? 0) <= 300)
        let lebanon = topics[2]
        #expect((lebanon["stories"] as? [Any])?.isEmpty == true)
        #expect((lebanon["counts"] as? [String: Any])?["average_items"] is NSNull)
        let health = try #require(root["feed_health"] as? [String: Any])
        let failed = try #require(health["failed"] as? [[String: Any]])
        #expect(failed.map { $0["feed"] as? String } == ["Old Gazette", "Capitol Report"])
    }
}
