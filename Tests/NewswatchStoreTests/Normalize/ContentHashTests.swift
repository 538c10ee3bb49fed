import Foundation
import NewswatchTestSupport
import PropertyBased
import Testing

@testable import NewswatchStore

@Suite struct ContentHashTests {
    /// Reference values from the `mmh3` Python package (MurmurHash3_x64_128, seed 0, h1 then h2).
    @Test func matchesReferenceMurmur3() {
        let vectors: [(String, String)] = [
            ("", "00000000000000000000000000000000"),
            ("hello", "cbd8a7b341bd9b025b1e906a48ae1d19"),
            ("The quick brown fox jumps over the lazy dog", "e34bbc7bbc071b6c7a433ca9c49a9347"),
            ("0123456789abcdef0", "eb24ae8785a5c07573fb68b3313128ca"),
        ]
        for (text, expected) in vectors {
            var s = text
            let (h1, h2) = s.withUTF8 { ContentHash.murmur3x64(UnsafeRawBufferPointer($0), seed: 0) }
            #expect(String(format: "%016llx%016llx", h1, h2) == expected, "\(text)")
        }
    }

    @Test func fieldsAreLengthPrefixed() {
        #expect(ContentHash.hex(fields: ["ab", "c"]) != ContentHash.hex(fields: ["a", "bc"]))
        #expect(ContentHash.hex(fields: ["ab", "c"]) == ContentHash.hex(fields: ["ab", "c"]))
        #expect(ContentHash.hex(of: Data("x".utf8)) == ContentHash.hex(of: "x"))
        #expect(ContentHash.hex(of: "x").count == 32)
    }

    /// `hex(fields:)` as it was before it laid the fields out in one temporary buffer (issue 18).
    static func arrayHex(fields: [String]) -> String {
        var bytes: [UInt8] = []
        for field in fields {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: field.utf8.count).littleEndian) {
                bytes.append(contentsOf: $0)
            }
            bytes.append(contentsOf: field.utf8)
        }
        return bytes.withUnsafeBytes { ContentHash.hex(of: $0) }
    }

    @Test func fieldsHashAsTheGrownArrayHashedThem() async {
        let pieces = ["", "a", "story", "é", "“quoted”", "غزة", "🇺🇸", String(repeating: "long text ", count: 40)]
        await propertyCheck(count: 2000, input: Gen.int(in: 0...Int.max)) { seed in
            var r = SplitMix(state: UInt64(seed))
            let fields = (0..<r.below(7)).map { _ in
                (0..<r.below(5)).map { _ in pieces[r.below(pieces.count)] }.joined()
            }
            #expect(ContentHash.hex(fields: fields) == Self.arrayHex(fields: fields), "\(fields)")
        }
    }
}
