import Foundation
import NewswatchSystem

#if canImport(Glibc)
    import Glibc
#endif

extension LoopbackHTTPServer {
    /// One accepted connection, served on its own thread: read a request, answer it, repeat while kept alive.
    struct Connection {
        let server: LoopbackHTTPServer
        let fd: Int32
        let id: Int
        /// Bytes read but not yet consumed (pipelined or early data).
        private var buffer: [UInt8] = []

        init(server: LoopbackHTTPServer, fd: Int32, id: Int) {
            self.server = server
            self.fd = fd
            self.id = id
        }

        mutating func serve() {
            while let request = readRequest() {
                server.record(request)
                let response = server.respond(to: request)
                guard server.pause(response.delay) else { return }
                guard send(response, to: request) else { return }
            }
        }

        // MARK: Reading

        /// Reads more bytes into `buffer`; false on end of stream, error or server stop.
        private mutating func fill() -> Bool {
            guard server.waitReadable(fd, timeout: -1) else { return false }
            var chunk = [UInt8](repeating: 0, count: 16384)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return false }
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }

        private mutating func readRequest() -> Request? {
            var headEnd: Int? = nil
            while true {
                if let end = Self.find([13, 10, 13, 10], in: buffer) {
                    headEnd = end
                    break
                }
                if buffer.count > 1 << 20 || !fill() { return nil }
                // Not HTTP at all (a TLS ClientHello on this plain port, say): answer 400 and close, as servers do.
                if let first = buffer.first, !(first >= 65 && first <= 90) {
                    _ = writeAll(
                        Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
                    return nil
                }
            }
            guard let headEnd else { return nil }
            let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
            buffer.removeFirst(headEnd + 4)
            var lines = head.components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: true)
            guard requestLine.count == 3 else { return nil }
            var headers: [(name: String, value: String)] = []
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.append(
                    (
                        String(line[..<colon]),
                        line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    ))
            }
            var request = Request(
                method: String(requestLine[0]), target: String(requestLine[1]), version: String(requestLine[2]),
                headers: headers, body: Data(), connection: id, receivedAt: LoopbackHTTPServer.now())
            if request.header("Expect")?.lowercased() == "100-continue" {
                guard writeAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return nil }
            }
            if request.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
                guard let body = readChunkedBody() else { return nil }
                request.body = body
            } else if let length = request.header("Content-Length").flatMap({ Int($0) }), length > 0 {
                while buffer.count < length {
                    guard fill() else { return nil }
                }
                request.body = Data(buffer[0..<length])
                buffer.removeFirst(length)
            }
            return request
        }

        private mutating func readLine() -> String? {
            while true {
                if let end = Self.find([13, 10], in: buffer) {
                    let line = String(decoding: buffer[0..<end], as: UTF8.self)
                    buffer.removeFirst(end + 2)
                    return line
                }
                guard fill() else { return nil }
            }
        }

        private mutating func readChunkedBody() -> Data? {
            var body = Data()
            while true {
                guard let sizeLine = readLine() else { return nil }
                let hex = sizeLine.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                guard let size = Int(hex, radix: 16) else { return nil }
                if size == 0 {
                    // Trailers up to the empty line.
                    while let line = readLine() {
                        if line.isEmpty { return body }
                    }
                    return nil
                }
                while buffer.count < size + 2 {
                    guard fill() else { return nil }
                }
                body.append(contentsOf: buffer[0..<size])
                buffer.removeFirst(size + 2)
            }
        }

        static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
            guard haystack.count >= needle.count else { return nil }
            var i = 0
            while i <= haystack.count - needle.count {
                if haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle { return i }
                i += 1
            }
            return nil
        }

        // MARK: Writing

        /// Sends `response`; false when the connection must close afterwards (or broke).
        private func send(_ response: Response, to request: Request) -> Bool {
            switch response.body {
            case .hang:
                // Hold the connection: drain whatever the client sends until it leaves or the server stops.
                var scratch = [UInt8](repeating: 0, count: 4096)
                while server.waitReadable(fd, timeout: -1) {
                    let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    if n <= 0 { break }
                }
                return false
            case .drop:
                return false
            case .raw(let data):
                _ = writeAll(Array(data))
                return false
            case .bytes, .endless, .trickle:
                break
            }
            let noBody = response.status < 200 || response.status == 204 || response.status == 304
            let isHead = request.method == "HEAD"
            let clientCloses =
                request.header("Connection")?.lowercased() == "close" || request.version == "HTTP/1.0"
            var keepAlive = !clientCloses
            var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
            let hasLength = response.headers.contains {
                $0.0.lowercased() == "content-length" || $0.0.lowercased() == "transfer-encoding"
            }
            for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
            switch response.body {
            case .bytes(let data) where !noBody && !hasLength:
                head += "Content-Length: \(data.count)\r\n"
            case .trickle(let data, _) where !hasLength:
                head += "Content-Length: \(data.count)\r\n"
            case .endless:
                keepAlive = false
            default:
                break
            }
            if !keepAlive { head += "Connection: close\r\n" }
            head += "\r\n"
            guard writeAll(Array(head.utf8)) else { return false }
            if isHead || noBody { return keepAlive }
            switch response.body {
            case .bytes(let data):
                guard writeAll(Array(data)) else { return false }
            case .endless(let chunk):
                let bytes = chunk.isEmpty ? [UInt8](repeating: 0x20, count: 65536) : Array(chunk)
                while writeAll(bytes) {}
                return false
            case .trickle(let data, let interval):
                for byte in data {
                    guard writeAll([byte]), server.pause(interval) else { return false }
                }
            case .hang, .drop, .raw:
                return false
            }
            return keepAlive
        }

        private func writeAll(_ bytes: [UInt8]) -> Bool {
            (try? Syscall.sendAll(fd, bytes)) != nil
        }

        static func reason(_ status: Int) -> String {
            switch status {
            case 100: "Continue"
            case 200: "OK"
            case 201: "Created"
            case 202: "Accepted"
            case 204: "No Content"
            case 301: "Moved Permanently"
            case 302: "Found"
            case 303: "See Other"
            case 304: "Not Modified"
            case 307: "Temporary Redirect"
            case 308: "Permanent Redirect"
            case 400: "Bad Request"
            case 401: "Unauthorized"
            case 403: "Forbidden"
            case 404: "Not Found"
            case 410: "Gone"
            case 429: "Too Many Requests"
            case 500: "Internal Server Error"
            case 502: "Bad Gateway"
            case 503: "Service Unavailable"
            default: "Status"
            }
        }
    }
}
