extension UnsafeMutablePointer where Pointee == UInt8 {
    /// Copies `s`'s UTF-8 here as one block (a `memcpy` for native and small strings, where initializing from the
    /// `utf8` view goes byte by byte) and returns how many bytes it wrote; the memory must have room for them.
    @inline(__always)
    func copyUTF8(of s: String) -> Int {
        let n = s.utf8.count
        let copied = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            if let source = bytes.baseAddress, n > 0 { update(from: source, count: n) }
            return true
        }
        if copied == nil { _ = UnsafeMutableBufferPointer(start: self, count: n).initialize(from: s.utf8) }
        return n
    }
}
