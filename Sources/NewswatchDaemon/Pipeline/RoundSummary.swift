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

    public init() {}

    mutating func add(_ outcome: PollOutcome) {
        feeds += 1
        switch outcome {
        case .ingested(let result, _):
            newItems += result.newItems
            alerts += result.alerts.count
        case .unchanged: unchanged += 1
        case .failed: failed += 1
        }
    }
}
