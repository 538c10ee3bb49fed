import Foundation
import NewswatchCore
import NewswatchStore

extension DigestJSONRenderer {
    /// `[{"feed", "url", "detection_delay_p50", "detection_delay_p95", "items"}]`, slowest first.
    static func slowest(_ h: DigestFeedHealth) -> JSONValue {
        .array(
            h.slowest.map { s in
                .object([
                    ("feed", .string(s.feed)), ("url", .string(s.url)),
                    ("detection_delay_p50", .int(Int(s.delay.p50))), ("detection_delay_p95", .int(Int(s.delay.p95))),
                    ("items", .int(s.items)),
                ])
            })
    }
}
