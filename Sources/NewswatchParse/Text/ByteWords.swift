/// Eight bytes at a time (SWAR): tests on a `UInt64` of text for the parser's byte loops, which spend most of
/// their time on runs of ordinary ASCII that need no per-byte decision.
///
/// Each test is exact about whether some byte qualifies (the borrows and carries of the arithmetic only
/// start at a byte that qualifies itself), which is all the loops ask.
enum ByteWords {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080
    private static let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    /// The eight bytes at `p`, in memory order from the low byte (any alignment).
    @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    /// Whether every byte is printable ASCII, space included (0x20–0x7E).
    @inline(__always)
    static func allPrintable(_ w: UInt64) -> Bool {
        let below = (w &- ones &* 0x20) & ~w & highs  // some byte < 0x20
        let above = ((w &+ ones) | w) & highs  // some byte > 0x7E
        return below | above == 0
    }

    /// Whether some byte equals `byte`.
    @inline(__always)
    static func contains(_ w: UInt64, _ byte: UInt8) -> Bool {
        let y = w ^ (ones &* UInt64(byte))
        return (y &- ones) & ~y & highs != 0
    }

    /// 0x80 in each byte that equals `byte`, 0 in the others (exact per byte).
    @inline(__always)
    static func matches(_ w: UInt64, _ byte: UInt8) -> UInt64 {
        let y = w ^ (ones &* UInt64(byte))
        return ~(((y & lows) &+ lows) | y | lows)
    }
}
