import Foundation

/// An open operator incident (CONTRACT §10): a feed down (subject `feed:<key>`) or a sink failing (`sink:<id>`).
public struct OpenIncident: Sendable, Equatable {
    /// `feed:<key>` or `sink:<id>`.
    public var subject: String
    /// When it began.
    public var since: Date
    /// The error it was raised with, if any.
    public var error: String?

    public init(subject: String, since: Date, error: String?) {
        self.subject = subject
        self.since = since
        self.error = error
    }
}
