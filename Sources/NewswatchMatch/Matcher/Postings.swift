/// A read-only map from dense ids to lists (of ids, or small records), stored flat (compressed sparse rows).
struct Postings<Element: Sendable>: Sendable {
    private var starts: [Int32]
    private var items: [Element]

    init(_ lists: [[Element]]) {
        starts = [0]
        starts.reserveCapacity(lists.count + 1)
        items = []
        for list in lists {
            items.append(contentsOf: list)
            starts.append(Int32(items.count))
        }
    }

    /// The list of `id` (empty for an id beyond the table).
    @inline(__always)
    func range(_ id: Int32) -> Range<Int> {
        let i = Int(id)
        guard i >= 0, i + 1 < starts.count else { return 0..<0 }
        return Int(starts[i])..<Int(starts[i + 1])
    }

    @inline(__always)
    subscript(position: Int) -> Element { items[position] }
}
