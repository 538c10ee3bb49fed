import Foundation
import NewswatchStore

/// Where every next-due time of the daemon is decided: the policy applied to a feed's stored state and a typed
/// outcome. The poller asks it before a successful poll's write (the schedule commits with the poll), the daemon
/// after a failure.
public struct FeedScheduler: Sendable {
    /// The scheduling rules.
    public var policy: SchedulerPolicy

    /// A scheduler applying `policy`.
    public init(policy: SchedulerPolicy = SchedulerPolicy()) {
        self.policy = policy
    }

    /// When `target` is first due after start-up or a reload: its stored due time, else within the start-up spread.
    func firstDue(_ target: PollTarget, state: FeedState?, now: Date) -> Date {
        let initial = policy.initialState(feed: target.descriptor.key, interval: target.interval, now: now).nextDue
        return state?.schedule.nextDue ?? initial
    }

    /// The feed's schedule after `outcome`. `state` is the feed's state from before the poll: the policy counts
    /// the outcome itself (a state that already holds a charged failure doubled every backoff). `previous` is the
    /// stored schedule whose floors a failure keeps.
    func schedule(
        _ target: PollTarget, after outcome: FetchOutcome, state: FeedState?, previous: FeedSchedule?, now: Date,
        networkDown: Bool
    ) -> FeedSchedule {
        let next = policy.next(
            after: outcome, state: FeedScheduling.scheduleState(state, fallbackDue: now), feed: target.descriptor.key,
            interval: target.interval, now: now, networkDown: networkDown)
        return FeedScheduling.storedSchedule(next: next, outcome: outcome, previous: previous, now: now)
    }

    /// The schedule a successful poll of a feed in `state` commits with its write.
    func schedule(_ target: PollTarget, success outcome: FetchOutcome, state: FeedState?, now: Date) -> FeedSchedule {
        schedule(target, after: outcome, state: state, previous: state?.schedule, now: now, networkDown: false)
    }
}
