import Foundation
import NewswatchStore

/// When a feed is down (CONTRACT §10 `daemon.feed_down_after`): failing for at least `downAfter` (measured from
/// its last success, or from when the daemon first saw it failing if it never succeeded), or silent by status's
/// rule (``StatusReport/isSilent(_:interval:now:)``). Pure and clock-free.
struct FeedDownRule: Sendable {
    /// `daemon.feed_down_after` in seconds.
    var downAfter: TimeInterval

    /// Since when the feed is down at `now`, or `nil` when it is not. `firstFailureSeen` is when this daemon first
    /// saw a never-successful feed failing.
    func downSince(_ state: FeedState, interval: TimeInterval, now: Date, firstFailureSeen: Date?) -> Date? {
        if state.consecutiveFailures > 0 {
            guard let since = state.lastSuccess ?? firstFailureSeen else { return nil }
            return now.timeIntervalSince(since) >= downAfter ? since : nil
        }
        if StatusReport.isSilent(state, interval: interval, now: now) {
            return state.lastNewItem ?? state.firstSuccess
        }
        return nil
    }

    /// Whether a feed with an open incident is back: its last fetch succeeded and it is not silent.
    func isBack(_ state: FeedState, interval: TimeInterval, now: Date) -> Bool {
        state.consecutiveFailures == 0 && state.lastSuccess != nil
            && !StatusReport.isSilent(state, interval: interval, now: now)
    }
}
