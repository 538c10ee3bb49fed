import Foundation
import NewswatchCore

/// Renders a digest as JSON for tools: the same data as the Markdown and HTML, keys in a fixed order,
/// every key always present (`null` where unknown), times as UTC `YYYY-MM-DDTHH:MM:SSZ`.
///
/// The shape (also in README, "Digest files"):
/// ```json
/// {
///   "date": "2026-11-25",                       // the date of issue, as in the file name
///   "timezone": "Asia/Jerusalem",
///   "digest_time": "07:00",
///   "period": {"start": "2026-11-24T05:00:00Z", "end": "2026-11-25T05:00:00Z", "hours": 24},
///   "topics": [                                 // in config order
///     {"id": "gaza", "name": "Gaza", "priority": "high",
///      "counts": {"items": 12, "stories": 5, "average_items": 8.4, "average_stories": 3.1},  // averages: previous 7 days or null
///      "hourly": [{"start": "2026-11-24T05:00:00Z", "items": 3}, …],     // 23–25 hours, one per hour of the period
///      "stories": [                             // most sources first, then most recent, then story id
///        {"story": "…", "alert": "…",           // the `story` and `id` of the alert records; alert null if none
///         "title": "…", "link": "…", "first_seen": "…", "terms": ["Gaza Strip"],
///         "summary": "… (≤ 300 characters, plain text)",
///         "sources": [{"feed": "…", "feed_url": "…", "title": "…", "link": "…",
///                      "first_seen": "…", "published": "…"}]}]}],      // first seen first
///   "feed_health": {
///     "failed": [{"feed": "…", "url": "…", "failures": 5, "last_failure": "…",
///                 "errors": [{"message": "HTTP 404", "count": 3}]}],    // most failures first
///     "silent": [{"feed": "…", "url": "…", "last_new_item": "…"}],    // longest silent first
///     "slowest": [{"feed": "…", "url": "…", "detection_delay_p50": 192, "detection_delay_p95": 600,
///                  "items": 41}]}    // at most 3, highest p95 first; detection delay in s over the 7 days to the end
/// }
/// ```
/// Strings that may be missing (`title`, `link`, `summary`, `feed_url`, `url`, `published`, `last_failure`,
/// `last_new_item`, `alert`) are `null` then; the averages are numbers or `null`.
package enum DigestJSONRenderer {
    /// The digest as pretty-printed JSON text with one trailing newline.
    package static func render(_ data: DigestData) -> String {
        json(data).pretty + "\n"
    }

    /// The digest as a `JSONValue` in the documented shape.
    package static func json(_ data: DigestData) -> JSONValue {
        let period = data.period
        return .object([
            ("date", .string(period.date.description)),
            ("timezone", .string(period.timeZone.displayName)),
            ("digest_time", .string(period.time.description)),
            (
                "period",
                .object([
                    ("start", .timestamp(period.start)), ("end", .timestamp(period.end)),
                    ("hours", .double(period.duration / 3600)),
                ])
            ),
            ("topics", .array(data.topics.map { topic($0, period: period) })),
            ("feed_health", health(data.feedHealth)),
        ])
    }

    static func topic(_ t: DigestTopic, period: DigestPeriod) -> JSONValue {
        let starts = period.hourStarts
        let hourly: [JSONValue] = starts.enumerated().map { i, start in
            .object([("start", .timestamp(start)), ("items", .int(i < t.hourlyVolume.count ? t.hourlyVolume[i] : 0))])
        }
        return .object([
            ("id", .string(t.id)), ("name", .string(t.name)), ("priority", .string(t.priority.rawValue)),
            (
                "counts",
                .object([
                    ("items", .int(t.itemCount)), ("stories", .int(t.storyCount)),
                    ("average_items", t.averageItemCount.map { .double($0) } ?? .null),
                    ("average_stories", t.averageStoryCount.map { .double($0) } ?? .null),
                ])
            ),
            ("hourly", .array(hourly)),
            ("stories", .array(t.orderedStories.map(story))),
        ])
    }

    static func story(_ s: DigestStory) -> JSONValue {
        .object([
            ("story", .string(s.id)), ("alert", .string(s.alertID)), ("title", .string(s.title)),
            ("link", .string(s.link)), ("first_seen", .timestamp(s.firstSeen)),
            ("terms", .array(s.terms.map { .string($0) })), ("summary", .string(DigestText.summary(s.summary))),
            (
                "sources",
                .array(
                    s.orderedSources.map { src in
                        .object([
                            ("feed", .string(src.feed)), ("feed_url", .string(src.feedURL)),
                            ("title", .string(src.title)), ("link", .string(src.link)),
                            ("first_seen", .timestamp(src.firstSeen)), ("published", .timestamp(src.published)),
                        ])
                    })
            ),
        ])
    }

    static func health(_ h: DigestFeedHealth) -> JSONValue {
        .object([
            (
                "failed",
                .array(
                    h.orderedFailed.map { f in
                        .object([
                            ("feed", .string(f.feed)), ("url", .string(f.url)), ("failures", .int(f.failures)),
                            ("last_failure", .timestamp(f.lastFailure)),
                            (
                                "errors",
                                .array(
                                    f.orderedErrors.map {
                                        .object([("message", .string($0.message)), ("count", .int($0.count))])
                                    })
                            ),
                        ])
                    })
            ),
            (
                "silent",
                .array(
                    h.orderedSilent.map { s in
                        .object([
                            ("feed", .string(s.feed)), ("url", .string(s.url)),
                            ("last_new_item", .timestamp(s.lastNewItem)),
                        ])
                    })
            ),
            ("slowest", slowest(h)),
        ])
    }
}
