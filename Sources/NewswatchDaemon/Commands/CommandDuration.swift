import Foundation
import NewswatchConfig
import NewswatchCore

/// A command-line duration (`7d`, `36h`, `90m`): the config's duration syntax.
enum CommandDuration {
    /// The seconds of `text`; anything else is a usage error (exit 64) naming `option`.
    static func parse(_ text: String, option: String) throws(CommandError) -> TimeInterval {
        guard let duration = ConfigDuration(text), duration.seconds > 0 else {
            throw CommandError(.usage, "\(option) \(text): give a duration such as 7d, 36h or 90m")
        }
        return duration.timeInterval
    }
}
