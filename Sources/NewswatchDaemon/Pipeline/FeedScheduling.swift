import Foundation
import NewswatchCore
import NewswatchStore

/// Translates between a poll's outcome, the stored feed state and the scheduler policy's vocabulary.
enum FeedScheduling {
    /// The policy's view of a poll outcome; a failure's `Retry-After` is counted from `now`.
    static func fetchOutcome(_ outcome: PollOutcome, now: Date) -> FetchOutcome {
        switch outcome {
        case .ingested(_, let fetch), .unchanged(let fetch, _):
            return fetch
        case .failed(let failure):
            let retryAfter = failure.retryAfter.map { TimeBounds.serverDelay($0.timeIntervalSince(now)) }
            let result: FetchOutcome.Result
            switch failure.kind {
            case .fetch(.httpStatus): result = .httpStatus(failure.httpStatus ?? 0)
            case .fetch(.dns): result = .network(.dns)
            case .fetch(.connect): result = .network(.connect)
            case .fetch(.tls): result = .network(.tls)
            case .fetch(.timeout): result = .network(.timeout)
            case .fetch(.network): result = .network(.other)
            default: result = .unusable
            }
            return FetchOutcome(result, retryAfter: retryAfter)
        }
    }

    /// The policy's view of a successful poll (new body, unchanged body, or `304`) with its server hints (RSS
    /// `<ttl>` in minutes, `Cache-Control: max-age` in seconds). Both are outside data: each is capped at
    /// `TimeBounds.maximumServerDelay` here, before it is stored or added to a time.
    static func successOutcome(notModified: Bool, ttlMinutes: Int? = nil, maxAge: Int? = nil) -> FetchOutcome {
        FetchOutcome(
            notModified ? .notModified : .ok, ttl: ttlMinutes.map { TimeBounds.serverDelay(Double($0) * 60) },
            maxAge: maxAge.map { TimeBounds.serverDelay(Double($0)) })
    }

    /// The policy's view of a stored feed (failure counts survive restarts; 404 streaks are inferred from them).
    static func scheduleState(_ state: FeedState?, fallbackDue: Date) -> FeedScheduleState {
        guard let state else { return FeedScheduleState(nextDue: fallbackDue) }
        let notFound = state.httpStatus == 404 ? state.consecutiveFailures : 0
        let health: FeedScheduleState.Health
        switch (state.consecutiveFailures, state.httpStatus) {
        case (0, _): health = .ok
        case (_, 410?): health = .gone
        case (_, 404?) where notFound >= 3: health = .notFound
        default: health = .failing
        }
        return FeedScheduleState(
            nextDue: state.schedule.nextDue ?? fallbackDue, consecutiveFailures: state.consecutiveFailures,
            consecutiveNotFound: notFound, health: health)
    }

    /// The stored schedule after an outcome.
    static func storedSchedule(next: FeedScheduleState, outcome: FetchOutcome, previous: FeedSchedule?, now: Date)
        -> FeedSchedule
    {
        var schedule = previous ?? FeedSchedule()
        schedule.nextDue = next.nextDue
        schedule.retryAfter = outcome.retryAfter.map { TimeBounds.date(now, adding: TimeBounds.serverDelay($0)) }
        if outcome.isSuccess {
            schedule.ttlFloor = outcome.ttl
            schedule.maxAgeFloor = outcome.maxAge
        }
        return schedule
    }
}
