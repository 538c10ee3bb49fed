import Foundation

/// A fast, stable 128-bit hash (MurmurHash3 x64-128) as 32 lowercase hex digits.
///
/// Used for response bodies, item content keys, story ids and alert ids. Not a cryptographic hash: nothing here
/// defends against an adversary crafting collisions, which could at worst merge two of their own items.
public enum ContentHash {
    /// The hash of a response body (store it as the feed's `bodyHash`).
    public static func hex(of data: Data) -> String {
        data.withUnsafeBytes { hex(of: UnsafeRawBufferPointer($0)) }
    }

    /// The hash of a string's UTF-8 bytes.
    public static func hex(of string: String) -> String {
        var s = string
        return s.withUTF8 { hex(of: UnsafeRawBufferPointer($0)) }
    }

    /// The hash of a sequence of fields, each length-prefixed so `("ab","c")` and `("a","bc")` differ.
    public static func hex(fields: [String]) -> String {
        // Laid out in one temporary buffer, each field copied as a block: an array grown byte by byte from each
        // `utf8` view was most of this, and a cold round hashes three sets of fields per item (issue 18).
        let total = fields.reduce(0) { $0 + $1.utf8.count + 4 }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(total, 1)) { buffer in
            var at = 0
            for field in fields {
                let n = field.utf8.count
                withUnsafeBytes(of: UInt32(truncatingIfNeeded: n).littleEndian) { length in
                    for b in length {
                        buffer[at] = b
                        at += 1
                    }
                }
                at += (buffer.baseAddress! + at).copyUTF8(of: field)
            }
            return hex(of: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[0..<at])))
        }
    }

    static func hex(of bytes: UnsafeRawBufferPointer) -> String {
        let (h1, h2) = murmur3x64(bytes, seed: 0x6E77_6174)
        return String(unsafeUninitializedCapacity: 32) { buffer in
            let digits: StaticString = "0123456789abcdef"
            let d = digits.utf8Start
            for i in 0..<16 {
                buffer[i] = d[Int((h1 >> UInt64(60 - 4 * i)) & 0xF)]
                buffer[16 + i] = d[Int((h2 >> UInt64(60 - 4 * i)) & 0xF)]
            }
            return 32
        }
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) private static func fmix(_ k0: UInt64) -> UInt64 {
        var k = k0
        k ^= k >> 33
        k &*= 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k &*= 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    /// MurmurHash3_x64_128 (public domain algorithm by Austin Appleby), little-endian reads.
    static func murmur3x64(_ data: UnsafeRawBufferPointer, seed: UInt64) -> (UInt64, UInt64) {
        let c1: UInt64 = 0x87c3_7b91_1142_53d5
        let c2: UInt64 = 0x4cf5_ad43_2745_937f
        let len = data.count
        var h1 = seed
        var h2 = seed
        let blocks = len / 16
        for i in 0..<blocks {
            var k1 = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self))
            var k2 = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt64.self))
            k1 &*= c1
            k1 = rotl(k1, 31)
            k1 &*= c2
            h1 ^= k1
            h1 = rotl(h1, 27)
            h1 &+= h2
            h1 = h1 &* 5 &+ 0x52dc_e729
            k2 &*= c2
            k2 = rotl(k2, 33)
            k2 &*= c1
            h2 ^= k2
            h2 = rotl(h2, 31)
            h2 &+= h1
            h2 = h2 &* 5 &+ 0x3849_5ab5
        }
        let tail = blocks * 16
        var k1: UInt64 = 0
        var k2: UInt64 = 0
        let rest = len & 15
        if rest > 8 {
            for j in stride(from: rest - 1, through: 8, by: -1) {
                k2 ^= UInt64(data[tail + j]) << UInt64((j - 8) * 8)
            }
            k2 &*= c2
            k2 = rotl(k2, 33)
            k2 &*= c1
            h2 ^= k2
        }
        if rest > 0 {
            for j in stride(from: min(rest, 8) - 1, through: 0, by: -1) {
                k1 ^= UInt64(data[tail + j]) << UInt64(j * 8)
            }
            k1 &*= c1
            k1 = rotl(k1, 31)
            k1 &*= c2
            h1 ^= k1
        }
        h1 ^= UInt64(len)
        h2 ^= UInt64(len)
        h1 &+= h2
        h2 &+= h1
        h1 = fmix(h1)
        h2 = fmix(h2)
        h1 &+= h2
        h2 &+= h1
        return (h1, h2)
    }
}
