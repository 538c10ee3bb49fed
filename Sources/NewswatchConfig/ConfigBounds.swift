import NewswatchCore

/// The sane range of every duration, size and count key of the config file.
///
/// A value outside its range is a config error with file:line (exit 78). Without these bounds an absurd value
/// (`timeout = "99999999999w"`) passed `check-config` and then trapped in a time conversion at run time.
enum ConfigBounds {
    private static let minute: Int64 = 60
    private static let hour: Int64 = 3600
    private static let day: Int64 = 86400

    /// `daemon.interval` and `feeds[].interval`: a second to 30 days.
    static let interval: ClosedRange<Int64> = 1...(30 * day)
    /// `daemon.retention`: a second to 10 years.
    static let retention: ClosedRange<Int64> = 1...(3650 * day)
    /// `daemon.backfill`: none to a year.
    static let backfill: ClosedRange<Int64> = 0...(365 * day)
    /// `daemon.connect_timeout`: a second to 10 minutes.
    static let connectTimeout: ClosedRange<Int64> = 1...(10 * minute)
    /// `daemon.timeout` (a whole transfer) and an exec sink's `timeout`: a second to an hour.
    static let timeout: ClosedRange<Int64> = 1...hour
    /// An e-mail sink's `batch`: a second to a day.
    static let batch: ClosedRange<Int64> = 1...day
    /// A topic's `batch` period: a minute to a day.
    static let topicBatch: ClosedRange<Int64> = minute...day
    /// `daemon.max_body`: 1 KiB to 1 GiB (bodies are held in memory).
    static let maxBody: ClosedRange<Int64> = 1024...(1 << 30)
    /// `daemon.max_items`: items one poll of one feed ingests.
    static let maxItems: ClosedRange<Int> = 1...100_000
}
