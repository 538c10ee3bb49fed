import Foundation

/// When a topic's alerts go to the sinks other than the file sink (CONTRACT §10): at once, in one message per
/// period, or never (digest only); held through quiet hours unless the topic is high priority.
public struct TopicDelivery: Sendable, Equatable {
    /// `delivery` in `[[topics]]`.
    public enum Mode: String, Sendable, CaseIterable {
        case immediate, batch, digest
    }

    /// Why a delivery waits.
    public enum Hold: String, Sendable, Equatable {
        /// The topic's batch period has not ended.
        case batch
        /// Quiet hours.
        case quiet
    }

    /// When one alert's delivery to a non-file sink may go, decided once when its outbox row is written.
    public struct Release: Sendable, Equatable {
        /// Not before this instant; the deliveries of a topic with the same instant go as one message.
        public var notBefore: Date
        /// The start of the period the message covers (batch period or quiet-hours window).
        public var periodStart: Date
        /// Why it waits.
        public var hold: Hold

        /// A release from its parts.
        public init(notBefore: Date, periodStart: Date, hold: Hold) {
            self.notBefore = notBefore
            self.periodStart = periodStart
            self.hold = hold
        }
    }

    /// `delivery` in `[[topics]]`: immediate, batch or digest.
    public var mode: Mode
    /// The batch period in seconds (`batch`, `delivery = "batch"` only).
    public var batchPeriod: TimeInterval?
    /// `quiet_hours`, if set.
    public var quietHours: QuietHours?
    /// The zone quiet hours are in (`digest.timezone`).
    public var timeZone: TimeZone

    /// The default batch period, `15m`.
    public static let defaultBatchPeriod: TimeInterval = 900

    /// A delivery from its parts (defaults: immediate, no quiet hours, UTC).
    public init(
        mode: Mode = .immediate, batchPeriod: TimeInterval? = nil, quietHours: QuietHours? = nil,
        timeZone: TimeZone = .gmt
    ) {
        self.mode = mode
        self.batchPeriod = batchPeriod
        self.quietHours = quietHours
        self.timeZone = timeZone
    }

    /// At once, no quiet hours.
    public static let immediate = TopicDelivery()

    /// When an alert of a topic with `priority`, detected at `now`, may go to a non-file sink; `nil`: at once.
    ///
    /// Batch periods are aligned to multiples of the period since the Unix epoch (a `15m` batch closes at :00, :15,
    /// :30 and :45 UTC), so every alert of one period gets the same instant without remembering anything. A
    /// period that ends inside quiet hours, or an alert detected in them, waits for their end; a `high` topic is
    /// never held by quiet hours.
    public func release(at now: Date, priority: Priority) -> Release? {
        var release: Release?
        if mode == .batch {
            let period = max(60, batchPeriod ?? Self.defaultBatchPeriod)
            let start = (now.timeIntervalSince1970 / period).rounded(.down) * period
            release = Release(
                notBefore: Date(timeIntervalSince1970: start + period),
                periodStart: Date(timeIntervalSince1970: start), hold: .batch)
        }
        guard priority != .high, let quietHours else { return release }
        // Quiet at detection, or (a batch) at the moment the batch would go: wait for the end of that window.
        let probe = release?.notBefore ?? now
        let window =
            quietHours.window(containing: now, in: timeZone) ?? quietHours.window(containing: probe, in: timeZone)
        guard let window else { return release }
        return Release(
            notBefore: window.end, periodStart: min(release?.periodStart ?? window.start, window.start), hold: .quiet)
    }
}
