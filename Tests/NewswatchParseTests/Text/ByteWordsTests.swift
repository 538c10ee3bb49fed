import Testing

@testable import NewswatchParse

/// The eight-bytes-at-a-time fast paths (issue 18) give exactly what the byte-by-byte loops gave.
@Suite struct ByteWordsTests {
    /// A small deterministic generator, so a failure names its case and reproduces.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        mutating func byte(from alphabet: [UInt8]) -> UInt8 { alphabet[Int(next() % UInt64(alphabet.count))] }
    }

    static func word(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBufferPointer { ByteWords.load($0.baseAddress!) } }

    @Test func wordTestsAgreeWithEveryByteAtEveryPosition() {
        var rng = Rng(state: 18)
        for value in 0...255 {
            for position in 0..<8 {
                for _ in 0..<4 {
                    var bytes = (0..<8).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    bytes[position] = UInt8(value)
                    let w = Self.word(bytes)
                    #expect(ByteWords.allPrintable(w) == bytes.allSatisfy { (0x20...0x7E).contains($0) }, "\(bytes)")
                    for probe: UInt8 in [0x20, 0x26, 0x3C] {
                        #expect(ByteWords.contains(w, probe) == bytes.contains(probe), "\(bytes) \(probe)")
                        let mask = ByteWords.matches(w, probe)
                        for k in 0..<8 {
                            #expect((mask >> (8 * k + 7)) & 1 == (bytes[k] == probe ? 1 : 0), "\(bytes) \(probe) \(k)")
                            #expect((mask >> (8 * k)) & 0x7F == 0)
                        }
                    }
                }
            }
        }
    }

    /// ASCII text with runs of white space and controls: collapsed and trimmed as by splitting on them.
    @Test func cleanedASCIIIsTheWordsJoinedBySingleSpaces() {
        var rng = Rng(state: 1)
        let alphabet: [UInt8] = Array("abcXYZ019.,;<&\u{7F}".utf8) + [0x20, 0x20, 0x20, 0x09, 0x0A, 0x0D, 0x00, 0x1B]
        for length in 0..<70 {
            for _ in 0..<60 {
                let input = (0..<length).map { _ in rng.byte(from: alphabet) }
                let expected = input.split { $0 <= 0x20 || $0 == 0x7F }.map { String(decoding: $0, as: UTF8.self) }
                    .joined(separator: " ")
                #expect(TextCleaner.clean(input) == expected, "\(input)")
            }
        }
    }

    /// Non-ASCII between the runs still goes the slow way: NBSP is a space, a C1 byte is read as windows-1252.
    @Test func cleanedTextMixesRunsAndNonASCII() {
        let cases: [(String, String)] = [
            ("  abcdefgh ijklmnop\u{A0}\u{A0}qrstuvwx yz  ", "abcdefgh ijklmnop qrstuvwx yz"),
            ("aaaaaaa bbbbbbb\u{2003}ccccccc d", "aaaaaaa bbbbbbb ccccccc d"),
            ("Gaza\u{92}s aid a b c d e f g h \u{200B}i", "Gaza\u{2019}s aid a b c d e f g h i"),
            ("12345678 12345678  12345678\t\t12345678", "12345678 12345678 12345678 12345678"),
        ]
        for (input, expected) in cases { #expect(TextCleaner.clean(Array(input.utf8)) == expected, "\(input)") }
    }

    @Test func controlsAreFoundPastLongPrintableRuns() {
        for length in 0..<40 {
            for position in 0..<max(1, length) {
                var bytes = [UInt8](repeating: 0x61, count: length)
                if length > 0 { bytes[position] = 0x1B }
                let found = bytes.withUnsafeBufferPointer { ControlCharacters.firstControl($0) }
                #expect(found == (length > 0 ? position : nil), "\(length) \(position)")
            }
        }
    }

    @Test func byteBufferGrowsAndKeepsEveryByte() {
        let buffer = ByteBuffer(capacity: 16)
        var expected: [UInt8] = []
        for k in 0..<300 {
            let piece = (0..<(k % 37)).map { UInt8(truncatingIfNeeded: $0 &+ k) }
            piece.withUnsafeBufferPointer { if let p = $0.baseAddress { buffer.append(p, count: $0.count) } }
            buffer.append(UInt8(truncatingIfNeeded: k))
            expected += piece + [UInt8(truncatingIfNeeded: k)]
        }
        #expect(buffer.withUnsafeBufferPointer { Array($0) } == expected)
        buffer.removeAll()
        #expect(buffer.count == 0)
    }
}
