import Foundation
import NewswatchCore

/// When digests are issued: a wall-clock time in an IANA zone (`digest.time`, `digest.timezone`).
///
/// All arithmetic is on the zone's UTC offsets (`TimeZone.secondsFromGMT(for:)`), never on the process's
/// local zone or the wall clock, so it is exact for any IANA zone and testable with fixed dates.
public struct DigestSchedule: Sendable, Hashable {
    /// The local issue time.
    public var time: DigestTime
    /// The zone the issue time and the dates are in.
    public var timeZone: TimeZone

    /// Daily at `time` in `timeZone`.
    public init(time: DigestTime, timeZone: TimeZone) {
        self.time = time
        self.timeZone = timeZone
    }

    /// The instant the digest dated `date` is issued: `time` on that local date.
    ///
    /// A time that does not exist that day (it falls in the spring-forward gap) means the next valid instant,
    /// which is the transition itself (`02:30` on a day clocks jump from 02:00 to 03:00 gives 03:00).
    /// A time that occurs twice (the fall-back overlap) means its first occurrence, so that day's period ends
    /// as early as the wall clock allows and the repeated hour falls in the next period.
    public func instant(on date: DigestDate) -> Date {
        let wall = date.daysSince1970 * 86_400 + Int64(time.secondsIntoDay)
        // Offsets in force around that wall time; two at most except in zones that changed twice in days.
        var offsets: [Int64] = []
        for k in Int64(-8)...8 {
            let o = offset(at: wall + k * 6 * 3600)
            if !offsets.contains(o) { offsets.append(o) }
        }
        let valid = offsets.map { wall - $0 }.filter { offset(at: $0) == wall - $0 }
        if let first = valid.min() { return Date(timeIntervalSince1970: TimeInterval(first)) }

        // In a gap: before the transition the wall time lies ahead of the clock, after it behind.
        // Binary search for the first second of the new offset between the two readings.
        var lo = wall - (offsets.max() ?? 0)  // still the old offset
        var hi = wall - (offsets.min() ?? 0)  // already the new offset
        let before = offset(at: lo)
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if offset(at: mid) == before { lo = mid } else { hi = mid }
        }
        return Date(timeIntervalSince1970: TimeInterval(hi))
    }

    /// The period whose date of issue is `date`: from the previous day's digest instant to this one.
    public func period(issuedOn date: DigestDate) -> DigestPeriod {
        DigestPeriod(
            date: date, start: instant(on: date.adding(days: -1)), end: instant(on: date), timeZone: timeZone,
            time: time)
    }

    /// The local date of `instant` in the digest zone (also the date alert files are named by).
    public func localDate(of instant: Date) -> DigestDate {
        let t = Int64(instant.timeIntervalSince1970.rounded(.down))
        let local = t + offset(at: t)
        return DigestDate(daysSince1970: local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
    }

    /// The period `instant` belongs to (the one not yet issued at that instant).
    public func periodContaining(_ instant: Date) -> DigestPeriod {
        var date = localDate(of: instant)
        while self.instant(on: date) <= instant { date = date.adding(days: 1) }
        while self.instant(on: date.adding(days: -1)) > instant { date = date.adding(days: -1) }
        return period(issuedOn: date)
    }

    /// The latest period that has ended at `now` — what `newswatch digest` writes without `--date`.
    public func mostRecentlyCompletedPeriod(at now: Date) -> DigestPeriod {
        var date = localDate(of: now)
        while instant(on: date) > now { date = date.adding(days: -1) }
        while instant(on: date.adding(days: 1)) <= now { date = date.adding(days: 1) }
        return period(issuedOn: date)
    }

    /// When the next digest is due after `now` (strictly later), for the daemon to sleep until.
    public func nextDigestInstant(after now: Date) -> Date { periodContaining(now).end }

    /// The completed periods after `lastWritten` up to `now`, oldest first, at most the newest `limit` of them:
    /// the digests a daemon that was down at digest time still owes when it starts.
    ///
    /// Empty when the digest of the most recently completed period was already written.
    public func missedPeriods(after lastWritten: DigestDate, now: Date, limit: Int = 31) -> [DigestPeriod] {
        let latest = mostRecentlyCompletedPeriod(at: now).date
        guard latest > lastWritten, limit > 0 else { return [] }
        let first = max(lastWritten.adding(days: 1), latest.adding(days: -(limit - 1)))
        return (first.daysSince1970...latest.daysSince1970).map { period(issuedOn: DigestDate(daysSince1970: $0)) }
    }

    private func offset(at unixSeconds: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(unixSeconds))))
    }
}
