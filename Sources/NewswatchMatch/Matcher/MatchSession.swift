/// The reusable working memory of matching: one item's term occurrences, the candidate bitset and the evidence
/// buffers, kept between items so matching an item allocates only what it returns.
///
/// Not shared: one session serves one thread at a time. `TopicMatcher.match(_:)` takes one from its tables' pool
/// for the call; a caller matching many items on one thread can keep its own (`TopicMatcher.match(_:in:)`).
struct MatchSession {
    var scan: ItemScan
    /// One bit per topic; all zero between items (the matcher clears each word as it reads it).
    var candidates: [UInt64]
    /// One leaf of an OR-of-terms topic whose term occurred (its term, display id and fields), chained to the
    /// topic's previous one.
    struct Hit {
        var term: Int32
        var display: Int32
        var mask: UInt8
        var next: Int32
    }

    /// Per topic: its latest `Hit`, or -1; reset to -1 as each candidate is evaluated.
    var topicHits: [Int32]
    var hits: [Hit] = []
    var evidence: [TopicTables.Evidence] = []
    /// Evidence packed into sortable keys, for topics whose evidence names more than one term or field.
    var sortKeys: [UInt64] = []
    /// (display, field) pairs already named while building one topic's term list.
    var taken: [UInt64] = []

    init(termCount: Int, topicCount: Int) {
        scan = ItemScan(termCount: termCount)
        candidates = Array(repeating: 0, count: (topicCount + 63) / 64)
        topicHits = Array(repeating: -1, count: topicCount)
        hits.reserveCapacity(64)
        evidence.reserveCapacity(32)
        sortKeys.reserveCapacity(32)
        taken.reserveCapacity(16)
    }
}
