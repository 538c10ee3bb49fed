import Foundation
import NewswatchCore

/// How a sink is shown in logs, errors, `status` and `check-config`: its type and where it delivers, never a token.
///
/// A webhook URL is often its own secret (Slack's `/services/T…/B…/X…`, `?token=…`), so a URL sink is shown by
/// scheme and host only (`webhook https://hooks.example.org/…`, `email smtps://mail.example.org`); an exec sink by
/// its program's file name (`exec notify-desk`), since its arguments may carry a token too.
package enum SinkName {
    /// `webhook https://host/…`.
    package static func webhook(url: String) -> String { "webhook " + URLRedaction.origin(url) }

    /// `email smtps://host[:port]`.
    package static func email(url: String) -> String { "email " + URLRedaction.origin(url) }

    /// `exec <program's file name>`.
    package static func exec(command: [String]) -> String { "exec " + program(command) }

    /// The program's file name: the last path component of the command's first word.
    package static func program(_ command: [String]) -> String {
        guard let first = command.first else { return "" }
        return first.split(separator: "/").last.map(String.init) ?? first
    }
}
