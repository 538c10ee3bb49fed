import Foundation

/// Submits mail over SMTP with libcurl (`smtp://` with STARTTLS, or `smtps://`), for the email alert sink.
///
/// Each message runs as one blocking libcurl easy transfer on a thread of its own, never on the Swift cooperative
/// pool; alert mail is rare, so a thread per message costs nothing that matters. Cancelling the calling task aborts
/// the dialogue within about a second (libcurl's progress callback) and fails with `.cancelled`.
///
/// - Important: only `smtp` and `smtps` are spoken; TLS certificates are always verified. Addresses and credentials
///   never appear in errors.
public struct MailSender: Sendable {
    /// Seconds allowed to connect (TCP and, for `smtps`, TLS).
    public var connectTimeout: TimeInterval
    /// Seconds allowed for the whole SMTP dialogue, unless the request sets its own.
    public var timeout: TimeInterval

    public init(connectTimeout: TimeInterval = 10, timeout: TimeInterval = 30) {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// Sends `mail`; returns once the server accepted the message for every recipient.
    /// - Throws: `FetchError` — `.invalidRequest` (bad URL or address), `.forbiddenProtocol` (not smtp/smtps),
    ///   `.dns`, `.connect`, `.tls` (handshake, certificate, or STARTTLS required but not offered), `.timeout`,
    ///   `.network` (the server refused a command, a recipient or the message; its reply code is in the message),
    ///   `.cancelled`, `.internal`.
    public func send(_ mail: MailRequest) async throws(FetchError) {
        try Self.validate(mail)
        let transfer = MailTransfer(
            request: mail, connectTimeout: connectTimeout, timeout: mail.timeout ?? timeout)
        let outcome: FetchError? = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<FetchError?, Never>) in
                let thread = Thread { continuation.resume(returning: transfer.perform()) }
                thread.name = "newswatch-smtp"
                thread.start()
            }
        } onCancel: {
            transfer.cancel()
        }
        if let outcome { throw outcome }
    }

    /// Rejects what must never reach libcurl: another scheme, no host, no recipient, or an address that could
    /// smuggle an SMTP command (line breaks, NUL, angle brackets inside the address).
    static func validate(_ mail: MailRequest) throws(FetchError) {
        guard let components = URLComponents(string: mail.url), let scheme = components.scheme?.lowercased() else {
            throw FetchError(.invalidRequest, "not an absolute smtp(s) URL", url: mail.url)
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            throw FetchError(.forbiddenProtocol, "only smtp and smtps are allowed, not \(scheme)", url: mail.url)
        }
        guard let host = components.host, !host.isEmpty else {
            throw FetchError(.invalidRequest, "the URL has no host", url: mail.url)
        }
        guard !mail.recipients.isEmpty else {
            throw FetchError(.invalidRequest, "no recipient", url: mail.url)
        }
        for (role, address) in [("sender", mail.from)] + mail.recipients.map({ ("recipient", $0) }) {
            let bare = MailRequest.envelopeAddress(address)
            let unsafe = bare.unicodeScalars.contains { $0.value < 0x20 || $0 == "<" || $0 == ">" || $0.value == 0x7F }
            guard !bare.isEmpty, !unsafe, bare.contains("@") else {
                throw FetchError(.invalidRequest, "the \(role) address is not usable", url: mail.url)
            }
        }
        for credential in [mail.username, mail.password].compactMap({ $0 })
        where credential.utf8.contains(where: { $0 == 0 }) {
            throw FetchError(.invalidRequest, "a credential contains a NUL byte", url: mail.url)
        }
    }
}
