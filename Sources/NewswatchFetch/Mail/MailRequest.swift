import Foundation

/// One message to submit over SMTP: the envelope (sender, recipients), the server, credentials and the message text.
public struct MailRequest: Sendable {
    /// `smtps://host[:port]` (TLS from the first byte) or `smtp://host[:port]` (STARTTLS, see `requireTLS`).
    public var url: String
    /// The envelope sender (`MAIL FROM`); `Name <addr>` is reduced to `addr`.
    public var from: String
    /// The envelope recipients (one `RCPT TO` each); every one must be accepted or the message is not sent.
    public var recipients: [String]
    public var username: String?
    public var password: String?
    /// For `smtp://`: refuse to send unless the server upgrades the connection with STARTTLS. When `false` the
    /// upgrade is still used if the server offers it.
    public var requireTLS: Bool
    /// The RFC 5322 message text with CRLF line ends. libcurl dot-stuffs lines that begin with `.` and ends the
    /// DATA phase itself.
    public var message: Data
    /// Overrides `MailSender.timeout` for this message (seconds for the whole dialogue).
    public var timeout: TimeInterval?

    public init(
        url: String, from: String, recipients: [String], username: String? = nil, password: String? = nil,
        requireTLS: Bool = true, message: Data, timeout: TimeInterval? = nil
    ) {
        self.url = url
        self.from = from
        self.recipients = recipients
        self.username = username
        self.password = password
        self.requireTLS = requireTLS
        self.message = message
        self.timeout = timeout
    }

    /// The bare address of `text`: what is inside the last `<…>` if there is one, else `text` trimmed.
    static func envelopeAddress(_ text: String) -> String {
        if let open = text.lastIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
            return String(text[text.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
        }
        return text.trimmingCharacters(in: .whitespaces)
    }
}
