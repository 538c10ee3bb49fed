import Foundation
import NewswatchDaemon
import Testing

/// The demo server must go away once stopped: its accept thread used to hold it for good (a leak that
/// AddressSanitizer reported at the end of every `newswatch demo`).
@Suite struct DemoFeedServerLifetimeTests {
    @Test func aStoppedServerIsFreed() async throws {
        weak var released: DemoFeedServer?
        do {
            let server = try DemoFeedServer(documents: [
                "/a.xml": .init(body: Data("<rss/>".utf8), contentType: "application/xml")
            ])
            released = server
            server.stop()
        }
        // The accept loop ends when the listening socket closes; give that thread time to finish.
        let deadline = Date().addingTimeInterval(10)
        while released != nil, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(released == nil)
    }
}
