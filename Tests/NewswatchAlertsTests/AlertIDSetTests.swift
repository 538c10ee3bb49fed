import Testing

@testable import NewswatchAlerts

/// Issue 18 (memory): the file sink's per-file id index holds the store's ids as 128-bit values, not strings, and
/// stays exact for every other spelling.
@Suite struct AlertIDSetTests {
    static func hexID(_ n: Int) -> String {
        let digits = String(n, radix: 16)
        return String(repeating: "0", count: 32 - digits.count) + digits
    }

    @Test func storeIDsAreHeldCompactlyAndExactly() {
        var set = AlertIDSet()
        for n in 0..<10_000 { set.insert(Self.hexID(n * 7919)) }
        #expect(set.count == 10_000 && set.textCount == 0)
        #expect(set.contains(Self.hexID(7919 * 42)))
        #expect(!set.contains(Self.hexID(7919 * 42 + 1)))
        #expect(set.contains("86ca02c501716b6ffe33f92b0987aaeb") == false)
        set.insert("86ca02c501716b6ffe33f92b0987aaeb")
        #expect(set.contains("86ca02c501716b6ffe33f92b0987aaeb"))
        // The same bits in the low half only: the halves are not mixed up.
        #expect(!set.contains("0000000000000000" + "86ca02c501716b6f"))
    }

    @Test func otherIDsAreKeptAsWritten() {
        var set = AlertIDSet()
        let upper = "86CA02C501716B6FFE33F92B0987AAEB"
        set.insert(upper)
        set.insert("custom-id")
        set.insert("86ca02c501716b6ffe33f92b0987aae")  // 31 digits
        #expect(set.textCount == 3 && set.count == 3)
        #expect(set.contains(upper) && set.contains("custom-id"))
        // Upper- and lower-case spellings are different ids, as in the file.
        #expect(!set.contains(upper.lowercased()))
        #expect(!set.contains("86ca02c501716b6ffe33f92b0987aaeg"))
    }
}
