import Foundation
import NewswatchConfig
import Testing

/// The key-path → line locator, seen through the errors it places.
@Suite struct ConfigKeyLocatorTests {
    @Test func multiLineStringsAndArraysDoNotLookLikeKeys() throws {
        let e = try ConfigTestSupport.error(
            """
            [[topics]]
            id = "a"
            query = '''
            priority = "high"
            [daemon]
            '''
            feeds = [
              "x = 1",
              "[digest]",
            ]
            priority = "urgent"
            """)
        let all = [e] + e.others
        // The filter entries are unknown feeds (line 7); the bad priority is on line 11; nothing inside the
        // string or the array was taken for a key or a table.
        #expect(all.map(\.keyPath) == ["topics[0].feeds[0]", "topics[0].feeds[1]", "topics[0].priority"])
        #expect(all.map(\.line) == [7, 7, 11])
    }

    @Test func arraysOfTablesAreCountedPerName() throws {
        let e = try ConfigTestSupport.error(
            """
            [[feeds]]
            url = "https://a.example/"

            [[topics]]
            id = "one"
            query = "x"

            [[feeds]]
            url = "https://b.example/"

            [[topics]]   # the second topic
            id = "two"
            query = "y"
            colour = "red"
            """)
        #expect(e.keyPath == "topics[1].colour")
        #expect(e.line == 14)
    }

    @Test func dottedKeysAndQuotedKeysAreFound() throws {
        let e = try ConfigTestSupport.error(
            """
            daemon.interval = "5m"
            "daemon".user_agent = "x"
            daemon.timeout = "forever"
            """)
        #expect(e.keyPath == "daemon.timeout" && e.line == 3)
        let sink = try ConfigTestSupport.error(
            """
            [alerts]

            [[alerts.sinks]]
            type = "exec"
            command = ["a"]

            [[alerts.sinks]]
            type = "exec"
            command = ["b"]
            timeout = "1 minute"
            """)
        #expect(sink.keyPath == "alerts.sinks[1].timeout" && sink.line == 10)
    }

    @Test func anInlineTableIsPlacedAtItsKey() throws {
        let e = try ConfigTestSupport.error("[daemon]\nconcurrency = 2\n\n[digest]\nformats = [\"md\", { a = 1 }]\n")
        #expect(e.keyPath == "digest.formats[1]" && e.line == 5)
    }
}
