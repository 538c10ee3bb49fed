import Foundation
import NewswatchCore
import Testing

@testable import NewswatchAlerts

/// Sinks get bounded titles and only http(s) links (a `javascript:` link must never become clickable in a chat).
@Suite struct AlertPayloadBoundsTests {
    private func decoded(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func longTitleIsCutOnACharacterBoundaryWithAnEllipsis() throws {
        let title = String(repeating: "é👍🏽", count: 2_000)
        let alert = AlertPayload.bounded(.sample(title: title))
        let cut = try #require(alert.title)
        #expect(cut.count == AlertPayload.maxTitleCharacters)
        #expect(cut.hasSuffix("…"))
        #expect(title.hasPrefix(String(cut.dropLast())))
        let json = try decoded(AlertPayload.json(.alert(.sample(title: title))))
        #expect((json["title"] as? String)?.count == AlertPayload.maxTitleCharacters)
        #expect(AlertPayload.slackText(.alert(.sample(title: title))).count < 1_200)
        // A title at the bound is left alone.
        let exact = String(repeating: "a", count: AlertPayload.maxTitleCharacters)
        #expect(AlertPayload.bounded(.sample(title: exact)).title == exact)
    }

    @Test func onlyHTTPLinksOfBoundedLengthReachSinks() throws {
        for link in ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<b>x</b>", "/relative", "ftp://x"] {
            let message = SinkMessage.alert(.sample(link: link))
            #expect(try decoded(AlertPayload.json(message))["link"] is NSNull, "\(link)")
            #expect(!AlertPayload.slackText(message).contains(link.prefix(5)), "\(link)")
            let email = AlertPayload.email(message, from: "a@example.org", to: ["b@example.org"], date: Date())
            #expect(!decodeQuotedPrintable(email.body).contains(link), "\(link)")
        }
        let long = "https://example.org/" + String(repeating: "a", count: AlertPayload.maxLinkBytes)
        #expect(AlertPayload.bounded(.sample(link: long)).link == nil)
        let fine = "HTTPS://example.org/a"
        #expect(AlertPayload.bounded(.sample(link: fine)).link == fine)
        let batch = AlertPayload.json(.batch([.sample(link: "javascript:x"), .sample(link: fine)]))
        let records = try #require(try JSONSerialization.jsonObject(with: batch) as? [[String: Any]])
        #expect(records[0]["link"] is NSNull)
        #expect(records[1]["link"] as? String == fine)
    }
}
