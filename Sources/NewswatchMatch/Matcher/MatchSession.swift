/// The reusable working memory of matching: one item's term occurrences, the candidate bitset and the evidence
/// buffers, kept between items so matching an item allocates only what it returns.
///
/// Not shared: one session serves one thread at a time. `TopicMatcher.match(_:)` takes one from its tables' pool
/// for the call; a caller matching many items on one thread can keep its own (`TopicMatcher.match(_:in:)`).
final class MatchSession: @unchecked Sendable {
    // Owner: this object allocates `state` and every `Scratch` in it, and frees them in `deinit`. It is used by
    // one thread at a time (the pool hands it out to one taker); the matcher mutates the state through the
    // pointer, so the hot loops pay neither reference counting nor exclusivity checks.
    let state: UnsafeMutablePointer<SessionState>

    init(termCount: Int, topicCount: Int) {
        state = .allocate(capacity: 1)
        state.initialize(to: SessionState(termCount: termCount, topicCount: topicCount))
    }

    deinit {
        state.pointee.free()
        state.deinitialize(count: 1)
        state.deallocate()
    }
}

/// The lists of a `MatchSession`.
struct SessionState {
    var scan: ItemScan
    /// One bit per topic; all zero between items (the matcher clears each word as it reads it).
    var candidates: Scratch<UInt64>
    /// One leaf of an OR-of-terms topic whose term occurred (its term, display id and fields), chained to the
    /// topic's previous one.
    struct Hit {
        var term: Int32
        var display: Int32
        var mask: UInt8
        var next: Int32
    }

    /// Per topic: its latest `Hit`, or -1; reset to -1 as each candidate is evaluated.
    var topicHits: Scratch<Int32>
    var hits = Scratch<Hit>(capacity: 64)
    var evidence = Scratch<TopicTables.Evidence>(capacity: 32)
    /// Evidence packed into sortable keys, for topics whose evidence names more than one term or field.
    var sortKeys = Scratch<UInt64>(capacity: 32)
    /// (display, field) pairs already named while building one topic's term list.
    var taken = Scratch<UInt64>(capacity: 16)

    init(termCount: Int, topicCount: Int) {
        scan = ItemScan(termCount: termCount)
        candidates = Scratch(repeating: 0, count: (topicCount + 63) / 64)
        topicHits = Scratch(repeating: -1, count: topicCount)
    }

    func free() {
        scan.free()
        candidates.free()
        topicHits.free()
        hits.free()
        evidence.free()
        sortKeys.free()
        taken.free()
    }
}
