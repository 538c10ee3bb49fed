import NewswatchAlerts
import NewswatchConfig
import NewswatchCore

extension SinkName {
    /// The name of a configured sink: `<type> <target>`.
    package static func of(_ config: SinkConfig) -> String { config.type + " " + target(config) }

    /// Where a configured sink delivers, as shown: the URL's origin, or the program's file name.
    package static func target(_ config: SinkConfig) -> String {
        switch config {
        case .webhook(let w): URLRedaction.origin(w.url.absoluteString)
        case .email(let e): URLRedaction.origin(e.url.absoluteString)
        case .exec(let x): program(x.command)
        }
    }
}
