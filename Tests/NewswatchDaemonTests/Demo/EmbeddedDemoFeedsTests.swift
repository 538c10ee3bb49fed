import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchDaemon

/// The generated `EmbeddedDemoFeeds.swift` must hold exactly the bytes of `Config/demo/` (run
/// `scripts/embed-demo-feeds.sh` after editing a sample).
@Suite struct EmbeddedDemoFeedsTests {
    @Test func matchesConfigDemoFolder() throws {
        let dir = SourceTree.root.appendingPathComponent("Config/demo")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let embedded = EmbeddedDemoFeeds.files
        #expect(embedded.map(\.name) == names, "run scripts/embed-demo-feeds.sh")
        for (name, data) in embedded {
            #expect(
                data == (try Data(contentsOf: dir.appendingPathComponent(name))),
                "\(name): run scripts/embed-demo-feeds.sh")
        }
        #expect(Set(DemoRunner.outlets.map(\.file)) == Set(names))
    }
}
