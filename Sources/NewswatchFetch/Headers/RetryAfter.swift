import Foundation
import NewswatchCore

/// A `Retry-After` header value (RFC 9110 §10.2.3): a delay in seconds or an HTTP date.
public enum RetryAfter: Sendable, Hashable {
    /// Wait this many seconds after the response.
    case seconds(Int)
    /// Wait until this instant.
    case date(Date)

    /// Parses `120` or `Fri, 31 Dec 1999 23:59:59 GMT` (any HTTP-date form); nil for anything else.
    ///
    /// Seconds are capped at `TimeBounds.maximumServerDelay` (7 days): a server that asks for more (even
    /// `99999999999999999999999`, which no integer holds) still means "much later", and no later arithmetic can
    /// overflow on it.
    public init?(_ value: String) {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            self = .seconds(min(Int(text) ?? Int.max, Int(TimeBounds.maximumServerDelay)))
        } else if let date = HTTPDate.parse(text) {
            self = .date(date)
        } else {
            return nil
        }
    }

    /// Seconds to wait counted from `now` (the moment the response arrived): never negative, at most
    /// `TimeBounds.maximumServerDelay`.
    public func delay(from now: Date) -> TimeInterval {
        switch self {
        case .seconds(let s): TimeBounds.serverDelay(TimeInterval(s))
        case .date(let d): TimeBounds.serverDelay(d.timeIntervalSince(now))
        }
    }
}
