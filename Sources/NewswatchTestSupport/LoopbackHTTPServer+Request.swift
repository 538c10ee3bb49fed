import Foundation

extension LoopbackHTTPServer {
    /// One request as the server received it.
    public struct Request: Sendable {
        /// `GET`, `POST`, …
        public var method: String
        /// The request target as sent: path and query (`/feed.xml?x=1`).
        public var target: String
        /// `HTTP/1.1` or `HTTP/1.0`.
        public var version: String
        /// Header fields in the order received, names as the client spelled them.
        public var headers: [(name: String, value: String)]
        /// The body (de-chunked), empty when there was none.
        public var body: Data
        /// Which connection carried it: 1 for the first accepted, 2 for the next … (equal ids mean a reused connection).
        public var connection: Int
        /// When the request head was complete, on `LoopbackHTTPServer.now()`'s monotonic clock.
        public var receivedAt: Double

        /// The target without its query.
        public var path: String {
            target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
        }

        /// The query string after `?`, if any.
        public var query: String? {
            target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) }
        }

        /// The first value of header `name` (case-insensitive), or nil.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        /// The body as UTF-8 text.
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }
}
