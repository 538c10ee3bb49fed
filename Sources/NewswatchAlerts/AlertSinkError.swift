import Foundation
import NewswatchCore
import NewswatchFetch
import NewswatchSystem

/// Why an alert sink could not deliver a message. Every kind is retried under ``SinkRetryPolicy``.
package struct AlertSinkError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    package enum Kind: Sendable, Equatable {
        /// The webhook answered with a non-2xx HTTP status.
        case rejected(status: Int)
        /// The network transfer failed (connect, TLS, SMTP dialogue, transfer timeout).
        case unreachable
        /// The exec sink's command could not be started; `errno` from `posix_spawn`.
        case spawnFailed(errno: Int32)
        /// The command exited with a non-zero status.
        case commandFailed(exitCode: Int32)
        /// The command was ended by a signal it did not get from us.
        case commandKilled(signal: Int32)
        /// The command outlived the sink's timeout; its process group was killed.
        case timedOut
    }

    package var kind: Kind

    /// Whether the failure may be this message's own, not the sink's: the receiver answered and refused it (an HTTP
    /// 4xx other than 408 and 429, e.g. 413 for a large batch or 422 for one title), or the command ran and exited
    /// non-zero. A sink that is down fails every message alike; these a receiver may refuse one message at a time.
    package var mayBeTheMessages: Bool {
        switch kind {
        case .rejected(let status): return (400..<500).contains(status) && status != 408 && status != 429
        case .commandFailed: return true
        case .unreachable, .spawnFailed, .commandKilled, .timedOut: return false
        }
    }
    /// The sink, e.g. `webhook https://hooks.example.org/…` or `exec /usr/local/bin/notify-desk`.
    package var sink: String
    /// More detail: the transport's message, the command's stderr tail; any URL in it shortened to its origin.
    package var detail: String

    /// `detail` may quote a URL (a receiver echoing its own address, a command printing its endpoint): every
    /// `scheme://…` in it keeps only scheme and host, since this text is logged and stored in `deliveries.last_error`.
    package init(_ kind: Kind, sink: String, detail: String = "") {
        self.kind = kind
        self.sink = sink
        self.detail = URLRedaction.scrubbingURLs(in: detail)
    }

    /// The detail of a failed transfer: a `FetchError`'s kind and message, never its URL (a webhook URL is often its
    /// own token, in the path or the query); other errors as they describe themselves.
    package static func detail(of error: any Error) -> String {
        if let fetch = error as? FetchError { return "\(fetch.kind.rawValue): \(fetch.message)" }
        return "\(error)"
    }

    package var description: String {
        let what: String
        switch kind {
        case .rejected(let status): what = "answered HTTP \(status)"
        case .unreachable: what = "unreachable"
        case .spawnFailed(let code): what = "cannot start command: \(SystemError.reason(code))"
        case .commandFailed(let code): what = "command exited with status \(code)"
        case .commandKilled(let signal): what = "command killed by signal \(signal)"
        case .timedOut: what = "command timed out and was killed"
        }
        let oneLineDetail = detail.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "alert sink \(sink) \(what)" + (oneLineDetail.isEmpty ? "" : ": \(oneLineDetail)")
    }
}
