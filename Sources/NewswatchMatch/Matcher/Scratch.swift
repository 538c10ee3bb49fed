/// A growable list in raw memory for the matcher's per-item working state: appends and reads with no
/// uniqueness check, no reference counting and no bounds check in release builds (debug builds assert).
///
/// A plain value holding a pointer: copies share the storage, and nothing frees it but `free()`. Every `Scratch`
/// lives in a `SessionState`, which `MatchSession` owns and frees once.
struct Scratch<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        base = .allocate(capacity: self.capacity)
    }

    /// `count` copies of `value` (a table indexed by id).
    init(repeating value: Element, count: Int) {
        self.init(capacity: count)
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    func free() { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    subscript(position: Int) -> Element {
        get {
            assert(position >= 0 && position < count)
            return base[position]
        }
        nonmutating set {
            assert(position >= 0 && position < count)
            base[position] = newValue
        }
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    @inline(never)
    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    /// Forgets the elements, keeping the memory.
    @inline(__always)
    mutating func removeAll() { count = 0 }

    /// The elements, valid until the next append.
    var buffer: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }
}
