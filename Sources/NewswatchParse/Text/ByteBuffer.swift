/// A growable byte buffer for the text a SAX callback hands over in pieces.
///
/// `Array.append(contentsOf:)` costs about a hundred instructions a call on top of the copy, and libxml2 calls
/// back for every text run and every entity reference (each `&lt;` of escaped HTML is one call); this is a
/// capacity check and a `memcpy`.
/// - Important: not thread-safe; owned by one parser, used synchronously.
final class ByteBuffer {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// How many bytes it holds.
    private(set) var count = 0

    init(capacity: Int = 4096) {
        self.capacity = max(16, capacity)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    /// Appends `n` bytes from `p`.
    @inline(__always)
    func append(_ p: UnsafePointer<UInt8>, count n: Int) {
        if count + n > capacity { grow(to: count + n) }
        (storage + count).update(from: p, count: n)
        count += n
    }

    /// Appends one byte.
    @inline(__always)
    func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        storage[count] = byte
        count += 1
    }

    /// Empties it, keeping its storage.
    func removeAll() { count = 0 }

    /// The bytes held, valid only inside `body`.
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage, count: count))
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity = newCapacity
    }
}
