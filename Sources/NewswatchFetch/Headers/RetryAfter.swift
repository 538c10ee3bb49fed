import Foundation

/// A `Retry-After` header value (RFC 9110 §10.2.3): a delay in seconds or an HTTP date.
public enum RetryAfter: Sendable, Hashable {
    /// Wait this many seconds after the response.
    case seconds(Int)
    /// Wait until this instant.
    case date(Date)

    /// Parses `120` or `Fri, 31 Dec 1999 23:59:59 GMT` (any HTTP-date form); nil for anything else.
    public init?(_ value: String) {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            // Absurdly long digit strings saturate instead of failing: the server clearly means "much later".
            self = .seconds(Int(text) ?? Int.max)
        } else if let date = HTTPDate.parse(text) {
            self = .date(date)
        } else {
            return nil
        }
    }

    /// Seconds to wait counted from `now` (the moment the response arrived), never negative.
    public func delay(from now: Date) -> TimeInterval {
        switch self {
        case .seconds(let s): TimeInterval(s)
        case .date(let d): max(0, d.timeIntervalSince(now))
        }
    }
}
