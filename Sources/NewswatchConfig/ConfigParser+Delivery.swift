import Foundation
import NewswatchCore
import TOMLKit

// A topic's delivery keys (CONTRACT §10): `delivery`, `batch`, `quiet_hours`.
extension ConfigParser {
    /// The topic keys this file reads.
    static let deliveryKeys = ["delivery", "batch", "quiet_hours"]

    /// A topic's delivery, checked against its `alert` flag (`alert = false` is `delivery = "digest"`); `nil` after
    /// reporting a problem.
    func parseDelivery(_ t: TOMLTable, path p: String, alert: Bool, timeZone: TimeZone) -> TopicDelivery? {
        var ok = true
        var delivery = TopicDelivery(mode: alert ? .immediate : .digest, timeZone: timeZone)
        if let s = string(t, "delivery", path: p) {
            let valid = TopicDelivery.Mode.allCases.map(\.rawValue)
            if let mode = TopicDelivery.Mode(rawValue: s) {
                if !alert && mode != .digest {
                    ok = false
                    fail(
                        .invalidValue, join(p, "delivery"),
                        "delivery = '\(s)' contradicts alert = false (a digest-only topic); remove one of them")
                }
                delivery.mode = mode
            } else {
                ok = false
                fail(
                    .invalidValue, join(p, "delivery"),
                    "'\(s)' is not a delivery\(didYouMean(s, valid)); use immediate, batch or digest")
            }
        }
        if t["batch"] != nil {
            if delivery.mode != .batch {
                ok = false
                fail(
                    .invalidValue, join(p, "batch"),
                    "batch is the period of delivery = \"batch\"; add delivery = \"batch\" or remove batch")
            } else if let d = duration(t, "batch", path: p, range: ConfigBounds.topicBatch) {
                delivery.batchPeriod = TimeInterval(d.seconds)
            } else {
                ok = false
            }
        }
        if delivery.mode == .batch && delivery.batchPeriod == nil {
            delivery.batchPeriod = TopicDelivery.defaultBatchPeriod
        }
        if let s = string(t, "quiet_hours", path: p) {
            if let quiet = QuietHours(s) {
                delivery.quietHours = quiet
            } else {
                ok = false
                fail(
                    .invalidValue, join(p, "quiet_hours"),
                    "'\(s)' is not a quiet-hours window; write HH:MM-HH:MM in digest.timezone, e.g. \"23:00-06:00\" "
                        + "(start and end must differ)")
            }
        }
        return ok ? delivery : nil
    }
}
