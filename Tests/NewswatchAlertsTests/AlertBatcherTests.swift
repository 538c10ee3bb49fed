import Foundation
import NewswatchCore
import Testing

@testable import NewswatchAlerts

@Suite struct AlertBatcherTests {
    private let t0 = Timestamp.date(year: 2026, month: 11, day: 25, hour: 12)

    @Test func firstAlertOpensAMinuteLongBatch() {
        var batcher = AlertBatcher(window: 60)
        #expect(batcher.due == nil)
        #expect(batcher.takeDue(at: t0) == nil)
        batcher.add(.sample(id: "a"), at: t0)
        batcher.add(.sample(id: "b"), at: t0.addingTimeInterval(30))
        #expect(batcher.due == t0.addingTimeInterval(60))
        #expect(batcher.takeDue(at: t0.addingTimeInterval(59)) == nil)
        batcher.add(.sample(id: "c"), at: t0.addingTimeInterval(59))
        #expect(batcher.takeDue(at: t0.addingTimeInterval(60))?.map(\.id) == ["a", "b", "c"])
        #expect(batcher.count == 0 && batcher.due == nil)
        // The next alert opens the next batch at its own time.
        batcher.add(.sample(id: "d"), at: t0.addingTimeInterval(200))
        #expect(batcher.due == t0.addingTimeInterval(260))
    }

    @Test func takeAllFlushesEarly() {
        var batcher = AlertBatcher(window: 60)
        batcher.add(.sample(id: "a"), at: t0)
        #expect(batcher.takeAll().map(\.id) == ["a"])
        #expect(batcher.takeAll().isEmpty)
    }
}
