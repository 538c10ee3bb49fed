import NewswatchCore
import Testing

/// The one URL redactor (CONTRACT §4): user-info never printed or stored, sink URLs shown by origin only.
@Suite struct URLRedactionTests {
    @Test(arguments: [
        ("https://user:pw@example.org/feed?x=1", "https://***@example.org/feed?x=1"),
        ("https://token@example.org", "https://***@example.org"),
        ("https://a:b@c@example.org:8443/", "https://***@example.org:8443/"),
        ("HTTP://U:P@Example.org/x", "HTTP://***@Example.org/x"),
        // IPv6 literals, with and without a port.
        ("http://u:p@[::1]:8080/feed.xml", "http://***@[::1]:8080/feed.xml"),
        ("http://u:p@[fe80::1%25eth0]/x", "http://***@[fe80::1%25eth0]/x"),
        ("http://[::1]:8080/feed.xml", "http://[::1]:8080/feed.xml"),
        // Percent-encoded user-info is user-info all the same.
        ("https://us%40er:p%3Ass@example.org/", "https://***@example.org/"),
        // `@` in the path, query or fragment is not user-info.
        ("https://example.org/@user/feed", "https://example.org/@user/feed"),
        ("https://example.org/?mail=a@b", "https://example.org/?mail=a@b"),
        ("https://example.org#a@b", "https://example.org#a@b"),
        ("https://u:p@example.org/@x?y=a@b", "https://***@example.org/@x?y=a@b"),
        // No scheme.
        ("user:secret@example.org/feed", "***@example.org/feed"),
        ("//user:secret@example.org/feed", "//***@example.org/feed"),
        ("not a url", "not a url"),
        ("mailto:desk@example.org", "mailto:desk@example.org"),
        ("", ""),
    ])
    func redactsUserInfo(url: String, expected: String) {
        #expect(URLRedaction.redact(url) == expected)
    }

    @Test func removingUserInfoKeepsEverythingElse() {
        #expect(
            URLRedaction.removingUserInfo("http://u:secret@127.0.0.1:8080/feed.xml") == "http://127.0.0.1:8080/feed.xml"
        )
        #expect(URLRedaction.removingUserInfo("http://***@h/x") == "http://h/x")
        #expect(URLRedaction.removingUserInfo("https://h/@x") == "https://h/@x")
        #expect(URLRedaction.removingUserInfo("http://u:p@[::1]/x") == "http://[::1]/x")
        #expect(URLRedaction.hasUserInfo("http://u@h/"))
        #expect(!URLRedaction.hasUserInfo("http://h/@u"))
    }

    @Test func originShowsSchemeAndHostOnly() {
        #expect(URLRedaction.origin("https://hooks.slack.com/services/T000/B000/XXXX") == "https://hooks.slack.com/…")
        #expect(URLRedaction.origin("https://hooks.example.org/hook?token=abc") == "https://hooks.example.org/…")
        #expect(URLRedaction.origin("https://hooks.example.org#token") == "https://hooks.example.org/…")
        #expect(URLRedaction.origin("SMTPS://u:p@Mail.Example.org:465") == "smtps://mail.example.org:465")
        #expect(URLRedaction.origin("https://hooks.example.org/") == "https://hooks.example.org")
        #expect(URLRedaction.origin("http://[::1]:9/x") == "http://[::1]:9/…")
        #expect(URLRedaction.origin("no url here") == "(url)")
    }

    @Test func scrubbingShortensEveryURLInText() {
        let text =
            "alert sink failed: http://127.0.0.1:9/hook/T0K3N?token=s3cr3t: Failed to connect; "
            + "retry \"https://u:pw@x.example/p\" later, see <http://y.example/z>"
        let scrubbed = URLRedaction.scrubbingURLs(in: text)
        #expect(
            scrubbed
                == "alert sink failed: http://127.0.0.1:9/… Failed to connect; retry \"https://x.example/…\" later, "
                + "see <http://y.example/…>")
        for secret in ["T0K3N", "s3cr3t", "pw@", "/p\"", "/z"] { #expect(!scrubbed.contains(secret)) }
        #expect(URLRedaction.scrubbingURLs(in: "no URL: ://x, 1://y") == "no URL: ://x, 1://y")
    }

    @Test func hidingPathAndQueryRemovesAnEchoedToken() {
        let url = "https://hooks.example.org/services/T000/B000/XT0KEN?token=Q%2BT0KEN&x=1"
        let echo = "no such hook: /services/T000/B000/XT0KEN?token=Q+T0KEN (XT0KEN, Q%2BT0KEN)"
        let hidden = URLRedaction.hidingPathAndQuery(of: url, in: echo)
        for token in ["XT0KEN", "Q+T0KEN", "Q%2BT0KEN", "B000"] { #expect(!hidden.contains(token), "\(hidden)") }
        #expect(hidden.hasPrefix("no such hook: "))
        #expect(URLRedaction.hidingPathAndQuery(of: "https://h.example/", in: "invalid_payload") == "invalid_payload")
    }

    @Test func hostKeysIncludeThePort() {
        #expect(URLRedaction.hostKey("https://Example.org/feed") == "example.org:443")
        #expect(URLRedaction.hostKey("http://example.org") == "example.org:80")
        #expect(URLRedaction.hostKey("http://u:p@example.org:8080/x") == "example.org:8080")
        #expect(URLRedaction.hostKey("http://[::1]/x") == "[::1]:80")
        #expect(URLRedaction.hostKey("http://[::1]:81/x") == "[::1]:81")
        #expect(URLRedaction.hostKey("http:///x") == nil)
        #expect(URLRedaction.scheme("HTTPS://x/") == "https")
        #expect(URLRedaction.scheme("x/y") == nil)
    }
}
