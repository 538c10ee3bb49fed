import Foundation

/// A few idle `MatchSession`s, so concurrent callers of one matcher each get their own without allocating one per
/// item.
final class MatchSessionPool: @unchecked Sendable {
    // Owner: this object; `idle` is read and written only under `lock`. A session taken out belongs to its taker
    // until it is given back.
    private let lock = NSLock()
    // Guarded by `lock`, so the runtime exclusivity check (two per item) adds nothing.
    @exclusivity(unchecked) private var idle: [MatchSession] = []
    private let termCount: Int
    private let topicCount: Int
    /// More idle sessions than threads that match at once would only hold memory.
    private static var limit: Int { 16 }

    init(termCount: Int, topicCount: Int) {
        self.termCount = termCount
        self.topicCount = topicCount
    }

    /// An idle session, or a new one.
    func take() -> MatchSession {
        lock.lock()
        let session = idle.popLast()
        lock.unlock()
        return session ?? MatchSession(termCount: termCount, topicCount: topicCount)
    }

    /// Returns a session taken with `take()` (the next item clears its state).
    func give(_ session: consuming MatchSession) {
        lock.lock()
        if idle.count < Self.limit { idle.append(session) }
        lock.unlock()
    }
}
