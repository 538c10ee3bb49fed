import Foundation
import NewswatchCore
import Testing

@testable import NewswatchAlerts

extension Alert {
    /// A representative alert for sink tests; fields overridable.
    static func sample(
        id: String = "a1b2c3", topic: String = "gaza", topicName: String = "Gaza war", priority: Priority = .high,
        title: String? = "Strikes & talks: <Rafah> crossing", link: String? = "https://example.org/news/1?a=1&b=2",
        feed: String = "Example <World>", terms: [String] = ["Gaza Strip", "Rafah"],
        summary: String? = "Talks resumed on Tuesday.", sources: Int = 1
    ) -> Alert {
        Alert(
            id: id, topic: topic, topicName: topicName, priority: priority, title: title, link: link, feed: feed,
            feedURL: "https://example.org/world/rss.xml",
            published: Timestamp.date(year: 2026, month: 11, day: 24, hour: 18),
            detected: Timestamp.date(year: 2026, month: 11, day: 24, hour: 18, minute: 3, second: 12), terms: terms,
            summary: summary, story: "story-9", sources: sources)
    }
}

/// Decodes quoted-printable (soft breaks and `=XX`), for checking what a mail reader will show.
func decodeQuotedPrintable(_ text: String) -> String {
    let joined = text.replacingOccurrences(of: "=\r\n", with: "")
    var bytes: [UInt8] = []
    var i = joined.utf8.startIndex
    let utf8 = joined.utf8
    while i < utf8.endIndex {
        let b = utf8[i]
        if b == UInt8(ascii: "="),
            let hex = UInt8(
                String(decoding: utf8[utf8.index(after: i)..<utf8.index(i, offsetBy: 3)], as: UTF8.self), radix: 16)
        {
            bytes.append(hex)
            i = utf8.index(i, offsetBy: 3)
        } else {
            bytes.append(b)
            i = utf8.index(after: i)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Decodes a header of RFC 2047 `B` words (or returns plain text as is).
func decodeEncodedWords(_ header: String) -> String {
    let unfolded = header.replacingOccurrences(of: "\r\n ", with: " ")
    guard unfolded.hasPrefix("=?UTF-8?B?") else { return unfolded }
    var bytes: [UInt8] = []
    for word in unfolded.split(separator: " ") {
        let payload = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
        bytes += Data(base64Encoded: String(payload)) ?? Data()
    }
    return String(decoding: bytes, as: UTF8.self)
}

@Suite struct AlertPayloadTests {
    private let sent = Timestamp.date(year: 2026, month: 11, day: 25, hour: 12)

    @Test func jsonBodyIsTheAlertRecord() {
        let alert = Alert.sample()
        #expect(AlertPayload.json(.alert(alert)) == Data(alert.json.compact.utf8))
        let batch = String(decoding: AlertPayload.json(.batch([alert, .sample(id: "z")])), as: UTF8.self)
        #expect(batch.hasPrefix(#"[{"id":"a1b2c3","topic":"gaza""#))
        #expect(batch.contains(#"},{"id":"z","#))
    }

    @Test func slackTextLinksTitleAndEscapesMarkup() {
        let text = AlertPayload.slackText(Alert.sample())
        #expect(
            text == """
                *<https://example.org/news/1?a=1&amp;b=2|Strikes &amp; talks: &lt;Rafah&gt; crossing>*
                Topic: Gaza war (priority high) · matched: Gaza Strip, Rafah
                Feed: Example &lt;World&gt;
                """)
    }

    /// Review 12: a headline's `@channel` pinged a whole Mattermost channel, and its `[text](url)` became a link with
    /// a text of the feed's choosing, in Mattermost and in Teams' cards. Addresses and URLs stay as they are.
    @Test func chatTextFromFeedsMentionsNobodyAndLinksNowhere() throws {
        let title = "Gaza: @channel @all [Click here](https://evil.example/login) desk@example.org medium.com/@author"
        let inert = AlertPayload.chatInert(title)
        #expect(
            inert
                == "Gaza: @\u{2060}channel @\u{2060}all [Click here]\u{2060}(https://evil.example/login) "
                + "desk@example.org medium.com/@author")
        #expect(AlertPayload.chatInert("No markup here") == "No markup here")
        let alert = Alert.sample(title: title, feed: "@here wire")
        let slack = AlertPayload.slackText(alert)
        #expect(slack.contains("@\u{2060}channel") && slack.contains("Feed: @\u{2060}here wire"), "\(slack)")
        #expect(!slack.contains("](") && !slack.contains("@channel"))
        let teams = String(decoding: AlertPayload.teams(.alert(alert)), as: UTF8.self)
        #expect(!teams.contains("@channel") && !teams.contains("](https://evil"), "\(teams)")
        // Matrix notifies on its plain `body`; the HTML beside it is not read for mentions.
        let event = try #require(
            try JSONSerialization.jsonObject(with: AlertPayload.matrix(.alert(alert))) as? [String: Any])
        let body = try #require(event["body"] as? String)
        #expect(!body.contains("@channel") && !body.contains("](https://evil"), "\(body)")
        let link = "https://example.org/search?q=@room"
        let matrix = AlertPayload.matrixBody(.alert(Alert.sample(title: "Rally: @room come see", link: link)))
        #expect(matrix.contains("Rally: @\u{2060}room come see") && matrix.contains("\n" + link + "\n"), "\(matrix)")
    }

    @Test func slackBodyIsTextJSON() throws {
        let body = AlertPayload.slack(.alert(.sample(priority: .normal, sources: 3)))
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: String])
        #expect(Array(object.keys) == ["text"])
        #expect(
            object["text"] == "*<https://example.org/news/1?a=1&amp;b=2|Strikes &amp; talks: &lt;Rafah&gt; crossing>*\n"
                + "Topic: Gaza war · matched: Gaza Strip, Rafah\nFeed: Example &lt;World&gt; (3 sources)")
    }

    @Test func slackLinkCharactersThatWouldBreakTheLinkAreEncoded() {
        let text = AlertPayload.slackText(Alert.sample(title: "T", link: "https://x.org/a|b>c d"))
        #expect(text.hasPrefix("*<https://x.org/a%7Cb%3Ec%20d|T>*"))
        #expect(
            AlertPayload.slackText(Alert.sample(title: nil)).hasPrefix("*<https://example.org/news/1?a=1&amp;b=2>*"))
        #expect(
            AlertPayload.slackText(Alert.sample(title: "Only <title>", link: nil)).hasPrefix("*Only &lt;title&gt;*"))
    }

    @Test func slackSummary() {
        let summary = RateLimitSummary(
            topic: "gaza", topicName: "Gaza", heldBack: 2, from: sent, until: sent, sampleTitles: ["A & B", "<C>"])
        #expect(
            AlertPayload.slackText(.summary(summary))
                == ":warning: 2 more alerts for 'gaza' in the last hour were held back: A &amp; B; &lt;C&gt;")
    }

    @Test func emailHasProperHeadersAndCRLFLineEnds() throws {
        let message = AlertPayload.email(
            .alert(.sample()), from: "newswatch@example.org", to: ["desk@example.org", "night@example.org"], date: sent)
        let text = String(decoding: message.rendered, as: UTF8.self)
        let bytes = Array(message.rendered)
        // Every LF is preceded by CR, and every line fits in 78 octets.
        for (i, b) in bytes.enumerated() where b == 0x0A { #expect(i > 0 && bytes[i - 1] == 0x0D) }
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78, "\(line)") }
        #expect(bytes.allSatisfy { $0 < 0x80 })

        let parts = text.components(separatedBy: "\r\n\r\n")
        let headers = parts[0]
        #expect(
            headers == """
                Date: Wed, 25 Nov 2026 12:00:00 +0000\r
                From: newswatch@example.org\r
                To: desk@example.org,\r
                 night@example.org\r
                Subject: [newswatch] Gaza war: Strikes & talks: <Rafah> crossing\r
                Message-ID: <newswatch.alert.a1b2c3@example.org>\r
                MIME-Version: 1.0\r
                Content-Type: text/plain; charset=utf-8\r
                Content-Transfer-Encoding: quoted-printable\r
                Auto-Submitted: auto-generated\r
                X-Newswatch-Topic: gaza\r
                X-Newswatch-Priority: high
                """)

        let body = decodeQuotedPrintable(parts.dropFirst().joined(separator: "\r\n\r\n"))
        #expect(
            body == """
                Strikes & talks: <Rafah> crossing\r
                https://example.org/news/1?a=1&b=2\r
                \r
                Topic:     Gaza war (gaza), priority high\r
                Matched:   Gaza Strip, Rafah\r
                Feed:      Example <World> <https://example.org/world/rss.xml>\r
                Published: 2026-11-24T18:00:00Z\r
                Detected:  2026-11-24T18:03:12Z\r
                \r
                Talks resumed on Tuesday.\r
                \r
                -- \r
                newswatch alert a1b2c3, story story-9\r

                """)
    }

    @Test func shortASCIISubjectStaysReadable() {
        let message = AlertPayload.email(
            .alert(.sample(topicName: "Gaza", title: "Ceasefire")), from: "n@example.org", to: ["d@example.org"],
            date: sent)
        #expect(
            String(decoding: message.rendered, as: UTF8.self).contains("\r\nSubject: [newswatch] Gaza: Ceasefire\r\n"))
    }

    @Test func longOrNonASCIISubjectIsEncoded() throws {
        let title = "Über 40 Tote bei Angriffen im Gazastreifen"
        let message = AlertPayload.email(
            .alert(.sample(title: title)), from: "n@example.org", to: ["d@example.org"], date: sent)
        let text = String(decoding: message.rendered, as: UTF8.self)
        let start = try #require(text.range(of: "\r\nSubject: "))
        let end = try #require(text.range(of: "\r\nMessage-ID: "))
        let value = String(text[start.upperBound..<end.lowerBound])
        #expect(value.hasPrefix("=?UTF-8?B?"))
        #expect(decodeEncodedWords(value) == "[newswatch] Gaza war: " + title)
    }

    @Test func utf8SubjectIsEncodedInWholeCharacters() {
        let title = "Netanyahu und die USA: Gespräche über Gaza — „Waffenruhe“ in Reichweite? 🇮🇱🇺🇸"
        let encoded = EmailMessage.encodeHeaderText(title, nameLength: 9)
        for word in encoded.components(separatedBy: "\r\n ") {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            #expect(word.utf8.count <= 75)
            // Each word decodes on its own: no character is split between words.
            let payload = word.dropFirst(10).dropLast(2)
            let data = try! #require(Data(base64Encoded: String(payload)))
            #expect(String(data: data, encoding: .utf8) != nil)
        }
        #expect(decodeEncodedWords(encoded) == title)
        // Line breaks in a title cannot start a new header.
        #expect(!EmailMessage.encodeHeaderText("a\r\nBcc: x@y", nameLength: 9).contains("\n"))
    }

    @Test func quotedPrintableKeepsLinesShortAndRoundTrips() {
        let text =
            String(repeating: "Long line with ümlauts and = signs ", count: 10) + " \nnext line ends in space \n.\n"
        let encoded = EmailMessage.quotedPrintable(text)
        for line in encoded.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 76) }
        #expect(encoded.contains("space=20\r\n"))
        #expect(decodeQuotedPrintable(encoded) == text.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test func rfc5322Dates() {
        #expect(EmailMessage.rfc5322Date(sent) == "Wed, 25 Nov 2026 12:00:00 +0000")
        #expect(EmailMessage.rfc5322Date(Date(timeIntervalSince1970: -1)) == "Wed, 31 Dec 1969 23:59:59 +0000")
        #expect(
            EmailMessage.rfc5322Date(Timestamp.date(year: 2024, month: 2, day: 29, hour: 7, minute: 5, second: 9))
                == "Thu, 29 Feb 2024 07:05:09 +0000")
    }

    @Test func messageIDsAreValid() {
        #expect(
            EmailMessage.messageID(local: "alert.ab/c d@e", from: "x@news.example.org")
                == "<newswatch.alert.ab_c_d_e@news.example.org>")
        #expect(EmailMessage.messageID(local: "alert.1", from: "no-domain") == "<newswatch.alert.1@newswatch.invalid>")
    }

    @Test func batchedEmailListsEveryAlert() {
        let alerts = [
            Alert.sample(id: "one", title: "First"), .sample(id: "two", title: "Second"),
            .sample(id: "three", topic: "us-israel", topicName: "US–Israel", title: "Third"),
        ]
        let message = AlertPayload.email(.batch(alerts), from: "n@example.org", to: ["d@example.org"], date: sent)
        #expect(message.subject == "[newswatch] 3 alerts: Gaza war (2), US–Israel (1)")
        let body = decodeQuotedPrintable(String(decoding: message.rendered, as: UTF8.self))
        #expect(body.contains("3 new alerts"))
        #expect(body.contains("1. First\r\n"))
        #expect(body.contains("2. Second\r\n"))
        #expect(body.contains("3. Third\r\n"))
        #expect(body.contains("newswatch alerts one, two, three"))
        // The same batch gets the same Message-ID on a retry; another batch a different one.
        let again = AlertPayload.email(.batch(alerts), from: "n@example.org", to: ["d@example.org"], date: sent)
        let other = AlertPayload.email(
            .batch(Array(alerts.prefix(2))), from: "n@example.org", to: ["d@example.org"], date: sent)
        #expect(message.messageID == again.messageID)
        #expect(message.messageID != other.messageID)
    }
}
