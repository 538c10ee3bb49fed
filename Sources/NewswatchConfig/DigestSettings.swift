import Foundation
import NewswatchCore

/// The `[digest]` table (CONTRACT §5, §6).
public struct DigestSettings: Sendable, Equatable {
    /// The local time the daily digest is issued.
    public var time: DigestTime
    /// The zone of digest periods and file dates (stored times stay UTC).
    public var timeZone: TimeZone
    /// Which files to write, in the order configured.
    public var formats: [DigestFormat]

    /// `digest.time` when unset: 07:00.
    public static let defaultTime = DigestTime(hour: 7, minute: 0)!

    /// The `[digest]` table; every key defaults as CONTRACT §6 says.
    public init(
        time: DigestTime = defaultTime, timeZone: TimeZone = .gmt,
        formats: [DigestFormat] = [.markdown, .html, .json]
    ) {
        self.time = time
        self.timeZone = timeZone
        self.formats = formats
    }
}
