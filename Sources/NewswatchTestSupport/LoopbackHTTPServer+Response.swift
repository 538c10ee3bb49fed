import Foundation

extension LoopbackHTTPServer {
    /// What the server does with one request: a status, headers and a body, possibly misbehaving.
    ///
    /// `Content-Length` is added unless the headers carry one (or `Transfer-Encoding`), the body has no end, or the
    /// status has no body (1xx, 204, 304).
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: Body
        /// Seconds to wait before sending anything (interrupted by `stop()`).
        public var delay: TimeInterval

        public init(status: Int, headers: [(String, String)] = [], body: Body = .bytes(Data()), delay: TimeInterval = 0)
        {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }

        /// `200` with `text` (UTF-8) and `Content-Type` (default `application/rss+xml`) plus `headers`.
        public static func ok(
            _ text: String, contentType: String = "application/rss+xml; charset=utf-8", headers: [(String, String)] = []
        ) -> Response {
            Response(status: 200, headers: [("Content-Type", contentType)] + headers, body: .bytes(Data(text.utf8)))
        }

        /// `200` with raw `data` plus `headers` (no `Content-Type` unless given).
        public static func ok(data: Data, headers: [(String, String)] = []) -> Response {
            Response(status: 200, headers: headers, body: .bytes(data))
        }

        /// A bare status with an empty body (`404`, `500`, `204`, …) plus `headers`.
        public static func status(_ status: Int, headers: [(String, String)] = []) -> Response {
            Response(status: status, headers: headers)
        }

        /// `304 Not Modified`, echoing validators when given.
        public static func notModified(etag: String? = nil, lastModified: String? = nil) -> Response {
            var headers: [(String, String)] = []
            if let etag { headers.append(("ETag", etag)) }
            if let lastModified { headers.append(("Last-Modified", lastModified)) }
            return Response(status: 304, headers: headers)
        }

        /// A redirect (`301`, `302`, `303`, `307`, `308`) to `location` (absolute or relative, sent as is).
        public static func redirect(to location: String, status: Int = 302) -> Response {
            Response(status: status, headers: [("Location", location)])
        }

        /// Reads the request, then sends nothing and holds the connection open until the client leaves or the server
        /// stops.
        public static var hang: Response { Response(status: 0, body: .hang) }

        /// Closes the connection without answering.
        public static var drop: Response { Response(status: 0, body: .drop) }
    }

    /// The body of a `Response`, and the ways it can misbehave.
    public enum Body: Sendable {
        /// These bytes, with `Content-Length`.
        case bytes(Data)
        /// `chunk` repeated for ever, no `Content-Length` (ends only when the client hangs up or the server stops).
        case endless(chunk: Data)
        /// These bytes with their `Content-Length`, but one byte every `interval` seconds.
        case trickle(Data, interval: TimeInterval)
        /// Nothing at all: no status line, the connection stays open (see `Response.hang`).
        case hang
        /// The connection is closed at once (see `Response.drop`).
        case drop
        /// These bytes verbatim instead of a generated response (status and headers ignored), then the connection
        /// closes. For malformed or hand-crafted responses.
        case raw(Data)
    }
}
