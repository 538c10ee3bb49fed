import Testing

@testable import NewswatchDaemon

@Suite struct ServiceStatusLineTests {
    @Test func summarisesFeedsAlertsAndBacklog() {
        #expect(
            ServiceStatusLine(feeds: 40, failing: 2, alertsToday: 17, pendingDeliveries: 3).text
                == "40 feeds: 38 ok, 2 failing · 17 alerts today · 3 deliveries pending")
        #expect(
            ServiceStatusLine(feeds: 1, failing: 0, alertsToday: 1).text == "1 feed: 1 ok, 0 failing · 1 alert today")
        #expect(
            ServiceStatusLine(feeds: 0, failing: 0, alertsToday: 0, pendingDeliveries: 1).text
                == "0 feeds: 0 ok, 0 failing · 0 alerts today · 1 delivery pending")
    }
}
