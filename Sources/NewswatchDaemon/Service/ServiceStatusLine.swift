/// The one-line summary sent as `STATUS=` and shown by `systemctl status newswatch` (CONTRACT §7).
///
/// `40 feeds: 38 ok, 2 failing · 17 alerts today · 3 deliveries pending`
public struct ServiceStatusLine: Sendable, Equatable {
    public var feeds: Int
    /// Feeds whose last fetch failed.
    public var failing: Int
    public var alertsToday: Int
    /// Alerts owed to webhook/email/exec sinks and not yet delivered (omitted when 0).
    public var pendingDeliveries: Int

    public init(feeds: Int, failing: Int, alertsToday: Int, pendingDeliveries: Int = 0) {
        self.feeds = feeds
        self.failing = failing
        self.alertsToday = alertsToday
        self.pendingDeliveries = pendingDeliveries
    }

    public var text: String {
        let ok = max(0, feeds - failing)
        var parts = ["\(feeds) \(feeds == 1 ? "feed" : "feeds"): \(ok) ok, \(failing) failing"]
        parts.append("\(alertsToday) \(alertsToday == 1 ? "alert" : "alerts") today")
        if pendingDeliveries > 0 {
            parts.append("\(pendingDeliveries) \(pendingDeliveries == 1 ? "delivery" : "deliveries") pending")
        }
        return parts.joined(separator: " · ")
    }
}
