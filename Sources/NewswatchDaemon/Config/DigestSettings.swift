import Foundation

/// The `[digest]` table (CONTRACT §5, §6).
public struct DigestSettings: Sendable, Equatable {
    /// A wall-clock time of day in the digest time zone.
    public struct TimeOfDay: Sendable, Hashable, CustomStringConvertible {
        public var hour: Int
        public var minute: Int

        public init(hour: Int, minute: Int) {
            self.hour = hour
            self.minute = minute
        }

        /// Parses `HH:MM` (00:00–23:59; one-digit hours allowed); `nil` otherwise.
        public init?(_ text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
                parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m)
            else { return nil }
            hour = h
            minute = m
        }

        /// `HH:MM`.
        public var description: String {
            (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
        }
    }

    /// A digest file format.
    public enum Format: String, Sendable, CaseIterable {
        case md, html, json
    }

    public var time: TimeOfDay
    public var timeZone: TimeZone
    /// Which files to write, in the order configured.
    public var formats: [Format]

    public static let defaultTime = TimeOfDay(hour: 7, minute: 0)

    public init(
        time: TimeOfDay = defaultTime, timeZone: TimeZone = TimeZone(identifier: "UTC")!,
        formats: [Format] = Format.allCases
    ) {
        self.time = time
        self.timeZone = timeZone
        self.formats = formats
    }
}
