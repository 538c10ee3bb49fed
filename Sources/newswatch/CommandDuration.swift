import ArgumentParser
import Foundation
import NewswatchConfig
import NewswatchCore

/// A command-line duration (`7d`, `36h`, `90m`): the config's duration syntax.
enum CommandDuration {
    /// The seconds of `text`; anything else ends the command with exit 64 naming `option`.
    static func parse(_ text: String, option: String) throws -> TimeInterval {
        guard let duration = ConfigDuration(text), duration.seconds > 0 else {
            throw Console.fail(Exit.usage, "\(option) \(text): give a duration such as 7d, 36h or 90m")
        }
        return duration.timeInterval
    }
}
