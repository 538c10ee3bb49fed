extension ItemScan {
    /// Whether the leaves' terms occur, each in its leaf's fields, at `count` or more distinct word positions
    /// (`ATLEAST/n`). Overlapping terms starting at one word (`Gaza` and `Gaza Strip`) count once there.
    func occurs(_ leaves: [MatchProgram.Leaf], atLeast count: Int32) -> Bool {
        let needed = Int(count)
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: needed) { starts in
            var found = 0
            for leaf in leaves {
                var o = head[Int(leaf.term)]
                while o >= 0 {
                    let occurrence = occurrences[Int(o)]
                    o = occurrence.next
                    // Positions are global across fields, so a start alone names one word of one field.
                    guard occurrence.field & leaf.mask != 0,
                        !starts[0..<found].contains(occurrence.start)
                    else { continue }
                    starts[found] = occurrence.start
                    found += 1
                    if found == needed { return true }
                }
            }
            return false
        }
    }
}
