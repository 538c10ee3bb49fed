import NewswatchCore

extension TopicTables {
    /// Normalises one field, looks each word up once, and records every term occurrence in it.
    func scanField(_ text: String, _ field: ItemField, _ base: inout Int32, _ scan: inout ItemScan) {
        var text = text
        text.withUTF8 { source in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: WordScanner.bufferCapacity(for: source.count)) {
                scanField(source, $0, field, &base, &scan)
            }
        }
    }

    func scanField(
        _ source: UnsafeBufferPointer<UInt8>, _ buffer: UnsafeMutableBufferPointer<UInt8>, _ field: ItemField,
        _ base: inout Int32, _ scan: inout ItemScan
    ) {
        scan.keys.removeAll()
        scan.prefixHits.removeAll()
        var scanner = WordScanner(source, buffer: buffer)
        defer { scanner.release() }
        let hasPrefixes = !prefixLengths.isEmpty
        while scanner.next() {
            let bytes = scanner.word
            let position = Int32(scan.keys.count)
            scan.keys.append(ItemScan.pack(words.lookup(bytes), acronymForm: scanner.allCaps || scanner.dotted))
            if hasPrefixes { findPrefixes(bytes, position, &scan) }
        }
        let bit = field.bit
        let count = scan.keys.count
        for position in 0..<count {
            let key = scan.key(at: position)
            guard key >= 0 else { continue }
            for p in termStarts.range(key) {
                check(termStarts[p], at: position, count, base, bit, &scan)
            }
            if position + 1 < count {
                let next = scan.key(at: position + 1)
                if next >= 0 {
                    let pair = pairs.lookup(key, next)
                    if pair >= 0 {
                        for p in pairStarts.range(pair) { check(pairStarts[p], at: position, count, base, bit, &scan) }
                    }
                }
            }
        }
        for k in 0..<scan.prefixHits.count {
            let hit = scan.prefixHits[k]
            for p in termsByPrefix.range(hit.key) {
                let id = termsByPrefix[p]
                if terms.needsAcronym(id, 0) && !scan.isAcronymForm(at: Int(hit.position)) { continue }
                scan.add(term: id, field: bit, start: base + hit.position, end: base + hit.position)
            }
        }
        base += Int32(count) + 1
    }

    /// Records the term of `start` if it occurs at `position` of the field being scanned (`count` words).
    @inline(__always)
    func check(
        _ start: TermStart, at position: Int, _ count: Int, _ base: Int32, _ bit: UInt8, _ scan: inout ItemScan
    ) {
        let id = start.term
        if start.firstNeedsAcronym && !scan.isAcronymForm(at: position) { return }
        let length = Int(start.length)
        if length == 1 {
            let at = base + Int32(position)
            scan.add(term: id, field: bit, start: at, end: at)
            return
        }
        guard position + length <= count else { return }
        if start.second != TermStart.noQuickCheck && scan.key(at: position + 1) != start.second { return }
        if start.plain {
            // The second word matched above; compare the rest by id.
            let keys = Int(start.keys)
            var j = 2
            while j < length && scan.key(at: position + j) == terms.flatKey(keys + j) { j += 1 }
            if j == length {
                scan.add(term: id, field: bit, start: base + Int32(position), end: base + Int32(position + length - 1))
            }
            return
        }
        var ok = true
        var j = 1
        while ok && j < length {
            let q = position + j
            if terms.needsAcronym(id, j) && !scan.isAcronymForm(at: q) {
                ok = false
            } else if j == length - 1 && terms.isPrefixLast(id) {
                ok = scan.hasPrefix(terms.key(id, j), at: Int32(q))
            } else {
                ok = scan.key(at: q) == terms.key(id, j)
            }
            j += 1
        }
        if ok {
            scan.add(term: id, field: bit, start: base + Int32(position), end: base + Int32(position + length - 1))
        }
    }

    /// Records the prefix terms `word` (at `position` of the field) starts with. The hashes of its prefixes are
    /// built in one pass over it, one probe per distinct prefix length.
    @inline(__always)
    func findPrefixes(_ word: UnsafeBufferPointer<UInt8>, _ position: Int32, _ scan: inout ItemScan) {
        if !prefixStarts.isEmpty {
            guard word.count >= 2 else { return }
            let pair = Int(word[0]) << 8 | Int(word[1])
            guard prefixStarts[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else { return }
        }
        var h = WordTable.hashSeed
        var hashed = 0
        for length in prefixLengths {
            if length > word.count { break }
            while hashed < length {
                h = WordTable.hashStep(h, word[hashed])
                hashed += 1
            }
            let key = prefixes.lookup(UnsafeBufferPointer(rebasing: word[0..<length]), hash: WordTable.hashFinish(h))
            if key >= 0 { scan.prefixHits.append(ItemScan.PrefixHit(position: position, key: key)) }
        }
    }
}
