import Foundation
import NewswatchCore

/// An RFC 5322 plain-text email: UTF-8 body as quoted-printable, RFC 2047 subject, CRLF line ends.
///
/// Quoted-printable keeps every line under 78 octets and the message 7-bit, so no server needs 8BITMIME and
/// no feed text can break the message structure. Dot-stuffing is libcurl's job (it escapes a leading `.` in
/// the DATA phase), not this type's.
package struct EmailMessage: Sendable, Equatable {
    package var from: String
    package var to: [String]
    package var subject: String
    package var date: Date
    /// With angle brackets: `<alert.…@example.org>`.
    package var messageID: String
    /// The body as text with `\n` line ends.
    package var body: String
    /// Further header fields (`X-Newswatch-Topic`, …), values ASCII.
    package var extraHeaders: [(String, String)]

    package init(
        from: String, to: [String], subject: String, date: Date, messageID: String, body: String,
        extraHeaders: [(String, String)] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.body = body
        self.extraHeaders = extraHeaders
    }

    package static func == (a: EmailMessage, b: EmailMessage) -> Bool {
        a.from == b.from && a.to == b.to && a.subject == b.subject && a.date == b.date && a.messageID == b.messageID
            && a.body == b.body && a.extraHeaders.elementsEqual(b.extraHeaders) { $0 == $1 }
    }

    /// The message text to hand to SMTP.
    package var rendered: Data {
        var lines: [String] = []
        lines.append("Date: " + Self.rfc5322Date(date))
        lines.append("From: " + Self.headerSafe(from))
        lines.append("To: " + to.map(Self.headerSafe).joined(separator: ",\r\n "))
        lines.append("Subject: " + Self.encodeHeaderText(subject, nameLength: "Subject: ".count))
        lines.append("Message-ID: " + Self.headerSafe(messageID))
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: text/plain; charset=utf-8")
        lines.append("Content-Transfer-Encoding: quoted-printable")
        lines.append("Auto-Submitted: auto-generated")
        for (name, value) in extraHeaders {
            lines.append(Self.headerSafe(name) + ": " + Self.headerSafe(value))
        }
        var text = lines.joined(separator: "\r\n") + "\r\n\r\n"
        text += Self.quotedPrintable(body)
        return Data(text.utf8)
    }

    /// `<local@domain>` with the domain of `from` and `local` reduced to characters allowed in a msg-id.
    package static func messageID(local: String, from: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_+=".unicodeScalars)
        var cleaned = String(String.UnicodeScalarView(local.unicodeScalars.map { allowed.contains($0) ? $0 : "_" }))
        while cleaned.contains("..") { cleaned = cleaned.replacingOccurrences(of: "..", with: ".") }
        cleaned = cleaned.trimmingCharacters(in: CharacterSet(charactersIn: "."))
        var domain = from.split(separator: "@").last.map(String.init) ?? ""
        domain = domain.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
        if domain.isEmpty || domain == from || !domain.unicodeScalars.allSatisfy({ allowed.contains($0) }) {
            domain = "newswatch.invalid"
        }
        return "<newswatch." + (cleaned.isEmpty ? "message" : cleaned) + "@" + domain + ">"
    }

    /// `Tue, 25 Nov 2026 12:00:00 +0000`.
    package static func rfc5322Date(_ date: Date) -> String {
        let secs = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400
        let rem = secs - days * 86400
        let (y, m, d) = Timestamp.civil(fromDays: days)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return
            "\(weekday), \(two(d)) \(months[Int(m - 1)]) \(y) \(two(rem / 3600)):\(two(rem % 3600 / 60)):\(two(rem % 60)) +0000"
    }

    /// Header text: raw when it is short printable ASCII, else RFC 2047 `=?UTF-8?B?…?=` words of at most 75
    /// characters, split between characters and folded with CRLF SP. Line breaks become spaces first.
    package static func encodeHeaderText(_ text: String, nameLength: Int) -> String {
        let flat = String(
            String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        let printableASCII = flat.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        if printableASCII && nameLength + flat.utf8.count <= 78 && !flat.contains("=?") { return flat }
        // 45 bytes → 60 base64 characters → 72-character encoded words.
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in flat.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 45 {
                words.append(encodedWord(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(encodedWord(chunk)) }
        return words.joined(separator: "\r\n ")
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    /// A header value with CR, LF and other controls replaced, so configured values cannot add header lines.
    private static func headerSafe(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    /// Quoted-printable (RFC 2045 §6.7) of UTF-8 `text`: hard line breaks as CRLF, lines of at most 76
    /// characters with `=` soft breaks, trailing blanks encoded; the result ends with CRLF.
    package static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = normalized.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let hex = Array("0123456789ABCDEF".utf8)
        var out = ""
        for line in lines {
            let bytes = Array(line.utf8)
            var current: [UInt8] = []
            for (i, b) in bytes.enumerated() {
                let isLast = i == bytes.count - 1
                var token: [UInt8]
                if (b >= 33 && b <= 126 && b != 61) || ((b == 32 || b == 9) && !isLast) {
                    token = [b]
                } else {
                    token = [61, hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
                }
                // Leave room for the soft-break "=" within 76 characters.
                if current.count + token.count > 75 {
                    out += String(decoding: current, as: UTF8.self) + "=\r\n"
                    current = []
                }
                current += token
            }
            out += String(decoding: current, as: UTF8.self) + "\r\n"
        }
        return out
    }
}
