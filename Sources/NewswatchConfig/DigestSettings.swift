import Foundation
import NewswatchCore

/// The `[digest]` table (CONTRACT §5, §6).
public struct DigestSettings: Sendable, Equatable {
    public var time: DigestTime
    public var timeZone: TimeZone
    /// Which files to write, in the order configured.
    public var formats: [DigestFormat]

    public static let defaultTime = DigestTime(hour: 7, minute: 0)!

    public init(
        time: DigestTime = defaultTime, timeZone: TimeZone = TimeZone(identifier: "UTC")!,
        formats: [DigestFormat] = [.markdown, .html, .json]
    ) {
        self.time = time
        self.timeZone = timeZone
        self.formats = formats
    }
}
