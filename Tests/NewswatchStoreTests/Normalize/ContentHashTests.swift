import Foundation
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
}
