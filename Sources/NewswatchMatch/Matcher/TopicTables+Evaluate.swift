import NewswatchCore

extension TopicTables {
    /// Whether a term of each of the topic's other requirements occurred.
    func meetsRequirements(_ index: Int, _ scan: ItemScan) -> Bool {
        var start =
            requirementRanges[index].lowerBound == 0 ? 0 : Int(requirementEnds[requirementRanges[index].lowerBound - 1])
        for r in requirementRanges[index] {
            let end = Int(requirementEnds[r])
            var met = false
            for k in start..<end where scan.head[Int(requiredTerms[k])] >= 0 {
                met = true
                break
            }
            guard met else { return false }
            start = end
        }
        return true
    }

    func evaluate(_ program: MatchProgram, _ scan: ItemScan) -> Bool {
        switch program {
        case .leaf(let leaf):
            return scan.occurs(leaf.term, in: leaf.mask)
        case .and(let children):
            for child in children where !evaluate(child, scan) { return false }
            return true
        case .or(let children):
            for child in children where evaluate(child, scan) { return true }
            return false
        case .not(let child):
            return !evaluate(child, scan)
        case .near(let left, let right, let distance):
            var found = false
            forEachNearPair(left, right, distance, scan) { _, _, _, _ in
                found = true
                return false
            }
            return found
        case .atLeast(let leaves, let count):
            return scan.occurs(leaves, atLeast: count)
        }
    }

    /// Evaluates like `evaluate`, appending the occurrences that make the true parts true.
    func collect(
        _ program: MatchProgram, _ scan: ItemScan, _ evidence: inout Scratch<Evidence>
    ) -> Bool {
        switch program {
        case .leaf(let leaf):
            var found = false
            var o = scan.head[Int(leaf.term)]
            while o >= 0 {
                let occurrence = scan.occurrences[Int(o)]
                if occurrence.field & leaf.mask != 0 {
                    evidence.append(
                        Evidence(position: occurrence.start, display: leaf.display, field: occurrence.field))
                    found = true
                }
                o = occurrence.next
            }
            return found
        case .and(let children):
            guard children.allSatisfy({ evaluate($0, scan) }) else { return false }
            for child in children { _ = collect(child, scan, &evidence) }
            return true
        case .or(let children):
            var any = false
            for child in children where collect(child, scan, &evidence) { any = true }
            return any
        case .not(let child):
            return !evaluate(child, scan)
        case .near(let left, let right, let distance):
            var found = false
            forEachNearPair(left, right, distance, scan) { a, aDisplay, b, bDisplay in
                evidence.append(Evidence(position: a.start, display: aDisplay, field: a.field))
                evidence.append(Evidence(position: b.start, display: bDisplay, field: b.field))
                found = true
                return true
            }
            return found
        case .atLeast(let leaves, let count):
            guard scan.occurs(leaves, atLeast: count) else { return false }
            for leaf in leaves { collectLeaf(leaf.term, leaf.display, leaf.mask, scan, &evidence) }
            return true
        }
    }

    /// Calls `body` for each pair of a left and a right occurrence in the same field at most `distance` words
    /// apart (between the nearest ends of phrases), until `body` returns false.
    func forEachNearPair(
        _ left: [MatchProgram.Leaf], _ right: [MatchProgram.Leaf], _ distance: Int32, _ scan: ItemScan,
        _ body: (ItemScan.Occurrence, Int32, ItemScan.Occurrence, Int32) -> Bool
    ) {
        for l in left {
            var a = scan.head[Int(l.term)]
            while a >= 0 {
                let x = scan.occurrences[Int(a)]
                a = x.next
                guard x.field & l.mask != 0 else { continue }
                for r in right {
                    var b = scan.head[Int(r.term)]
                    while b >= 0 {
                        let y = scan.occurrences[Int(b)]
                        b = y.next
                        guard y.field == x.field, y.field & r.mask != 0 else { continue }
                        if x.start == y.start && x.end == y.end { continue }  // one occurrence is not two
                        let gap: Int32 =
                            y.start > x.end ? y.start - x.end : x.start > y.end ? x.start - y.end : 0
                        if gap <= distance, !body(x, l.display, y, r.display) { return }
                    }
                }
            }
        }
    }
}
