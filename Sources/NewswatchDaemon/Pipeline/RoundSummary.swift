/// What one `run --once` round did, for its closing log line and exit code.
public struct RoundSummary: Sendable, Equatable {
    public var feeds = 0
    public var failed = 0
    public var unchanged = 0
    public var newItems = 0
    public var alerts = 0
    /// True when every network fetch failed to resolve or connect: our own network is down.
    public var networkDown = false
    /// CPU seconds the store's serial queue spent on this round (ingest, bookkeeping): the pipeline's one serial
    /// stage, so the floor under the round's wall time.
    public var storeCPUSeconds = 0.0
    /// Why a feed's poll could not be stored (the database locked by another process, a full disk); the first such
    /// failure of the round.
    public var storeFailure: String?
    /// Why the alerts file could not be written, if it could not.
    public var fileSinkFailure: String?

    public init() {}

    /// Why the round did not do its job although it ran (the feeds' own failures are not the round's): `run --once`
    /// exits 1 with it.
    public var failureReason: String? {
        if let fileSinkFailure { return "the alerts could not be written: \(fileSinkFailure)" }
        if let storeFailure { return "what the round fetched could not all be stored: \(storeFailure)" }
        return nil
    }

    mutating func add(_ outcome: PollOutcome) {
        feeds += 1
        switch outcome {
        case .ingested(let result, _):
            newItems += result.newItems
            alerts += result.alerts.count
        case .unchanged: unchanged += 1
        case .failed(let failure):
            failed += 1
            if failure.storeUnavailable, storeFailure == nil { storeFailure = failure.message }
        }
    }
}
