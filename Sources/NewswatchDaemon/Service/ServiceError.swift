import Foundation
import NewswatchSystem

/// A failure of the service glue: talking to systemd's notification socket.
public struct ServiceError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// `$NOTIFY_SOCKET` is not a path or `@abstract` name (or is too long for `sockaddr_un`).
        case unsupportedNotifyAddress
        /// A socket call failed; `errno` is kept.
        case socket(errno: Int32)
        /// The metrics endpoint cannot listen on its `[metrics] listen` address.
        case listen(reason: String)
    }

    public var kind: Kind
    /// The socket address or other context the error is about.
    public var context: String

    public init(_ kind: Kind, context: String) {
        self.kind = kind
        self.context = context
    }

    public var description: String {
        switch kind {
        case .unsupportedNotifyAddress:
            return "NOTIFY_SOCKET '\(context)' is not a socket path or @abstract name; systemd notifications are off"
        case .socket(let code):
            return "cannot notify systemd at '\(context)': \(SystemError.reason(code))"
        case .listen(let reason):
            return "metrics: cannot listen on \(context): \(reason)"
        }
    }
}
